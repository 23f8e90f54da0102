import { expect, test } from './fixtures';

test('the dataset inspector previews samples as rasters and shows the class balance', async ({ app }) => {
  await app.locator('.react-flow__node', { hasText: 'randman' }).first().click();
  await app.getByTestId('dataset-preview-load').click();
  const preview = app.getByTestId('dataset-preview');
  await expect(preview.locator('canvas')).toHaveCount(4);
  await expect(preview.locator('figcaption').first()).toContainText('class');
  await expect(app.getByTestId('class-balance').locator('div')).toHaveCount(10);
  await expect(preview).toContainText('train 8,100 · validation 900 · test 1,000');
  const labels = await preview.locator('figcaption').allTextContents();
  expect(new Set(labels).size).toBe(4);
  await app.screenshot({ path: 'test-results/dataset-preview.png' });
});
