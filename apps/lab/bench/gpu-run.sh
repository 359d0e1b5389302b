#!/usr/bin/env bash
# The GPU run of issue 17 (item 4) in two halves, so the device's 15 minutes go to measuring:
#   apps/lab/bench/gpu-run.sh prepare   # here, after the build: bundles bench/gpu-steps.mjs into .gpu/
#   apps/lab/bench/gpu-run.sh run       # on the device (the `run` tool, carry [".gpu"]): WebGPU, then PyTorch CUDA
# `run` prints the JSON lines of gpu-steps.mjs (tfjs WebGPU: the demo VAE, CSVAE, Glow 2x8) and of
# torch_conv_vae.py on CUDA (the demo VAE's PyTorch twin), each tagged, and the machine's GPU.
# A device session: prepare, test `node .gpu/gpu-steps.mjs --steps 3` here on lavapipe, then run once
# with a timeout that leaves room for a rerun (a cold start, shader compiles and 40 steps of three
# models took [not yet measured] on the device).
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
case "${1:-}" in
  prepare)
    [ -f apps/lab/dist/index.js ] || { echo "build first: npx --yes pnpm@9.15.9 exec turbo run build" >&2; exit 1; }
    ../shared/tools/gpu-carry.sh apps/lab/bench/gpu-steps.mjs
    # Again, with sharp (native, it cannot travel) replaced by a stub: the run touches no images.
    esbuild=$(ls node_modules/.pnpm/esbuild@*/node_modules/esbuild/bin/esbuild | tail -1)
    "$esbuild" apps/lab/bench/gpu-steps.mjs --bundle --platform=node --format=esm --target=node20 \
      --main-fields=module,main --external:webgpu --alias:sharp=./apps/lab/bench/sharp-unavailable.mjs --outfile=.gpu/gpu-steps.mjs \
      --banner:js="import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);" --log-level=warning
    cp apps/lab/bench/torch_conv_vae.py .gpu/
    ;;
  run)
    [ -f .gpu/activate ] || { echo ".gpu/ is missing: run '$0 prepare' on the CPU machine and carry .gpu" >&2; exit 1; }
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | sed 's/^/gpu: /' || true
    # shellcheck disable=SC1091
    source .gpu/activate
    gpunode .gpu/gpu-steps.mjs --steps "${GPU_STEPS:-40}" | sed 's/^{/{"engine":"tfjs-webgpu",/'
    for python in python3 /usr/bin/python3; do
      if "$python" -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
        "$python" .gpu/torch_conv_vae.py --device cuda --steps "${GPU_STEPS:-40}" --warmup 5 | sed 's/^{/{"engine":"pytorch-cuda",/'
        exit 0
      fi
    done
    echo '{"engine":"pytorch-cuda","error":"no python with a CUDA torch on this machine"}'
    ;;
  *)
    echo "usage: $0 prepare | run" >&2
    exit 2
    ;;
esac
