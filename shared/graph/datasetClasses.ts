// Class names of the built-in datasets that have them: the dataset reader labels samples with
// them and the training view labels its confusion matrix with the short forms.

/** Fashion-MNIST's ten classes in label order (Xiao, Rasul & Vollgraf 2017). */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

const SHORT: Readonly<Record<string, string>> = { 'T-shirt/top': 'T-shirt', 'Ankle boot': 'Boot' };

/** The form of a class name that fits a plot's axis labels. */
export function shortClassName(name: string): string {
  return SHORT[name] ?? name;
}
