// NIR (Neuromorphic Intermediate Representation) export and import; see docs/nir-mapping.md.
export {
  exportNir,
  exportNirDocument,
  exportNirToPath,
  exportNirTree,
  NirExportError,
  type NirExportOptions,
} from './export';
export { readH5, writeH5 } from './h5';
export {
  importNir,
  importNirDocument,
  importNirFromPath,
  importNirTree,
  NirImportError,
  type NirImportOptions,
  type NirImportResult,
} from './import';
export { nirRuleViolations } from './rules';
