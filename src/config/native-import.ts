/**
 * Node's own import(), for a JavaScript config file. The CLI bundle runs from a V8 code cache
 * through vm.Script, where import() is unavailable, so its build swaps this module for a
 * require() of dist/native-import.cjs, a plain file Node loads itself (scripts/build.mjs).
 */
export const nativeImport = (url: string): Promise<unknown> => import(url);
