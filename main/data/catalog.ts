// Where each downloadable dataset comes from, what its files are called and how to verify them.
import type { DatasetName } from '../../shared/graph/kinds';

export interface RemoteFile {
  /** Name of the file once it is ready to read (after decompression when `gunzip`). */
  name: string;
  /** Other names the same file may have on a user's disk (uncompressed IDX, Kaggle-style dots). */
  aliases?: readonly string[];
  url: string;
  /** Published MD5 of the downloaded bytes (the dataset authors publish MD5, not SHA-256). */
  md5?: string;
  sha256?: string;
  /** The download is gzip-compressed and is stored decompressed under `name`. */
  gunzip?: boolean;
}

export interface CatalogEntry {
  name: DatasetName;
  title: string;
  /** Sub-folder of the app data cache where downloads go. */
  cacheFolder: string;
  /** System folders searched after the user's folder and the cache (Debian packages). */
  systemFolders: readonly string[];
  files: readonly RemoteFile[];
  /** Roughly, for the CLI listing. */
  downloadMegabytes: number;
  homepage: string;
}

const FASHION_BASE = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';
const MNIST_BASE = 'https://ossci-datasets.s3.amazonaws.com/mnist/';
const ZENKE_BASE = 'https://zenkelab.org/datasets/';

function idxFiles(base: string, md5: Record<string, string>): RemoteFile[] {
  return Object.entries(md5).map(([name, sum]) => {
    const plain = name.replace(/\.gz$/, '');
    return { name, aliases: [plain, plain.replace(/-(idx\d)-/, '.$1-')], url: base + name, md5: sum };
  });
}

export const CATALOG: Record<'fashion-mnist' | 'mnist' | 'shd' | 'ssc', CatalogEntry> = {
  'fashion-mnist': {
    name: 'fashion-mnist',
    title: 'Fashion-MNIST (Zalando Research)',
    cacheFolder: 'fashion-mnist',
    systemFolders: ['/usr/share/datasets/fashion-mnist'],
    files: idxFiles(FASHION_BASE, {
      'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
      'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
      't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
      't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
    }),
    downloadMegabytes: 30,
    homepage: 'https://github.com/zalandoresearch/fashion-mnist',
  },
  mnist: {
    name: 'mnist',
    title: 'MNIST (LeCun, Cortes & Burges; PyTorch mirror)',
    cacheFolder: 'mnist',
    systemFolders: ['/usr/share/datasets/mnist'],
    files: idxFiles(MNIST_BASE, {
      'train-images-idx3-ubyte.gz': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
      'train-labels-idx1-ubyte.gz': 'd53e105ee54ea40749a09fcbcd1e9432',
      't10k-images-idx3-ubyte.gz': '9fb629c4189551a2d022fa330f9573f3',
      't10k-labels-idx1-ubyte.gz': 'ec29112dd5afa0611ce80d1b7f02629c',
    }),
    downloadMegabytes: 12,
    homepage: 'http://yann.lecun.com/exdb/mnist/',
  },
  shd: {
    name: 'shd',
    title: 'Spiking Heidelberg Digits (Cramer et al. 2020)',
    cacheFolder: 'shd',
    systemFolders: ['/usr/share/datasets/shd'],
    files: ['shd_train.h5', 'shd_test.h5'].map((name) => ({
      name,
      aliases: [`${name}.gz`],
      url: `${ZENKE_BASE}${name}.gz`,
      gunzip: true,
    })),
    downloadMegabytes: 170,
    homepage: 'https://zenkelab.org/resources/spiking-heidelberg-datasets-shd/',
  },
  ssc: {
    name: 'ssc',
    title: 'Spiking Speech Commands (Cramer et al. 2020)',
    cacheFolder: 'ssc',
    systemFolders: ['/usr/share/datasets/ssc'],
    files: ['ssc_train.h5', 'ssc_valid.h5', 'ssc_test.h5'].map((name) => ({
      name,
      aliases: [`${name}.gz`],
      url: `${ZENKE_BASE}${name}.gz`,
      gunzip: true,
    })),
    downloadMegabytes: 1300,
    homepage: 'https://zenkelab.org/resources/spiking-heidelberg-datasets-shd/',
  },
};

export type DownloadableName = keyof typeof CATALOG;

export function isDownloadable(name: string): name is DownloadableName {
  return Object.hasOwn(CATALOG, name);
}
