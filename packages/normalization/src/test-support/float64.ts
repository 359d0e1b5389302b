/** The float64 image references now live in @disentangle/kernels/testing (the zoos' tests use them too). */
export * from '@disentangle/kernels/testing';
