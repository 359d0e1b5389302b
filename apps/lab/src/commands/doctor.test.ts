import { describe, expect, it } from 'vitest';
import { formatDoctorReport } from './doctor';

describe('formatDoctorReport', () => {
  it('lists every backend tried with its reason, and the choice', () => {
    const text = formatDoctorReport({
      backend: 'wasm',
      requested: 'auto',
      attempts: [
        { candidate: 'tensorflow-gpu', ok: false, reason: 'not installed' },
        { candidate: 'webgpu', ok: false, reason: 'Dawn found no GPU adapter' },
        { candidate: 'wasm', ok: true, reason: 'SIMD wasm' },
      ],
      threads: 2,
      adapter: null,
      kernels: ['Conv2DBackpropFilter'],
    });
    expect(text).toMatch(/✘ tensorflow-gpu\s+not installed/);
    expect(text).toMatch(/✘ webgpu\s+Dawn found no GPU adapter/);
    expect(text).toMatch(/✔ wasm\s+SIMD wasm/);
    expect(text).toMatch(/chosen\s+wasm/);
    expect(text).toMatch(/threads\s+2/);
    expect(text).toMatch(/gpu adapter none/);
    // This process imported tfjs-layers (the lab depends on it) or registered them through kernels.
    expect(text).toMatch(/gradients\s+(by tfjs imported before|required from the installed @tensorflow\/tfjs-layers|registered after)/);
  });
});
