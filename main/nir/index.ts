// NIR (Neuromorphic Intermediate Representation) export and import; see docs/nir-mapping.md.
export {
  exportNir,
  exportNirDocument,
  exportNirToPath,
  exportNirTree,
  NirExportError,
  type NirExportOptions,
} from './export';
export {
  importNir,
  importNirFromPath,
  importNirTree,
  NirImportError,
  type NirImportOptions,
  type NirImportResult,
} from './import';
