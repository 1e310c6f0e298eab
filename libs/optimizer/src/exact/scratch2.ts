import loadHighs from 'highs';
async function main(): Promise<void> {
  const h = await loadHighs();
  const variants = {
    a: 'Maximize\n obj: + 24 x0 + 1 x5\nSubject To\n c0_up: + 12 x0 <= 26\n c1_lo: + 1 x5 >= -1.5\nBounds\n 0 <= x0 <= 1\n -3 <= x5 <= 2.5\nGenerals\n x5\nBinaries\n x0\nEnd\n',
    b: 'Maximize\n obj: + 24 x0 + 1 x5\nSubject To\n c0_up: + 12 x0 <= 26\nBounds\n 0 <= x0 <= 1\n -3 <= x5 <= 2.5\nGenerals\n x5\nBinaries\n x0\nEnd\n',
    c: 'Maximize\n obj: + 24 x0 + 1 x5\nSubject To\n c0_up: + 12 x0 <= 26\n c1_lo: + 1 x5 >= -1.5\nBounds\n 0 <= x0 <= 1\n -3 <= x5 <= 2.5\nEnd\n',
    d: 'Maximize\n obj: + 24 x0 + 1 x5\nSubject To\n c0_up: + 12 x0 <= 26\n c1_lo: x5 >= -1.5\nBounds\n x0 <= 1\n x5 >= -3\n x5 <= 2.5\nGenerals\n x5\nEnd\n',
  };
  for (const [k, lp] of Object.entries(variants)) {
    const m = h.createModel({ format: 'lp', data: lp });
    m.options.set({ output_flag: false });
    m.run();
    console.log(k, m.getModelStatus(), m.getObjectiveValue(), m.getSolution().colValue);
    console.log(m.exportModel('lp'));
    m.dispose();
  }
}
void main();
