/**
 * Capability checks: evaluations are written against the capability interfaces of
 * `@disentangle/kernels`, and a model that lacks one gets a clear error naming the
 * capability and the methods, never a TypeError deep inside an evaluation.
 */
import { missingCapabilityMethods, type CapabilityInterfaces, type CapabilityName, type GenerativeModel } from '@disentangle/kernels';

/** The model as the interface of `capability`, or an error naming what it lacks. */
export function requireCapability<C extends CapabilityName>(model: GenerativeModel, capability: C, purpose = 'this evaluation'): GenerativeModel & CapabilityInterfaces[C] {
  const missing = missingCapabilityMethods(model, capability);
  if (missing.length > 0) {
    throw new Error(`${purpose} needs the '${capability}' capability, which model '${model.name}' does not have (missing ${missing.join(', ')})`);
  }
  return model as GenerativeModel & CapabilityInterfaces[C];
}

/** Whether the model implements every method of `capability`. */
export function hasCapability(model: GenerativeModel, capability: CapabilityName): boolean {
  return missingCapabilityMethods(model, capability).length === 0;
}
