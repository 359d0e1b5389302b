// A paper declaration outside the lab, loaded through DISENTANGLE_PAPERS by the sweep tests:
// plain data, as every declaration is. Two tiny models on a small swiss roll, with budgets
// shaped for the tests (quick: six short jobs over three seeds; long: one job long enough to
// kill mid-run; stop: two jobs, the worker stopped during the first; broken: one job whose
// model config is refused on every try).
const table = {
  id: 'readout',
  title: 'Where the label lives',
  source: 'a test',
  description: 'the label read back from the whole code by 15-nearest neighbours, and the last logged loss',
  rows: ['vae', 'condvae'],
  columns: [
    { key: 'knn', header: 'label from the code (15-NN)', dataset: 'roll', metric: 'knn-label-readout', options: { parts: 'all' } },
    { key: 'loss', header: 'last loss', dataset: 'roll', metric: 'training-log', options: { term: 'total', window: 'last' }, prefer: 'lower' },
  ],
  format: 3,
};

export const papers = [
  {
    id: 'toy-sweep',
    number: '998',
    title: 'A test paper for sweeps',
    file: 'none.txt',
    datasets: { roll: { paper: 'a swiss roll', spec: { dataset: 'swiss-roll', labels: ['label'], count: 600 } } },
    budgets: {
      full: { description: 'not used', training: { steps: 1000 }, judge: { steps: 5, count: 100 } },
      quick: { description: 'six short jobs', training: { steps: 40, batch: 32, learningRate: 1e-3, schedule: 'constant' }, judge: { steps: 5, count: 100 }, tables: ['readout'] },
      long: { description: 'one job to kill mid-run', training: { steps: 2500, batch: 32, learningRate: 1e-3, schedule: 'constant' }, judge: { steps: 5, count: 100 }, tables: ['readout-vae'] },
      stop: { description: 'two jobs; the worker is stopped during the first', training: { steps: 2500, batch: 32, learningRate: 1e-3, schedule: 'constant' }, judge: { steps: 5, count: 100 }, tables: ['readout'] },
      restart: { description: 'two jobs that outlast a Redis restart', training: { steps: 1500, batch: 32, learningRate: 1e-3, schedule: 'constant' }, judge: { steps: 5, count: 100 }, tables: ['readout'] },
      broken: { description: 'a job refused on every try', training: { steps: 10 }, models: { vae: { options: { zDim: -1 } } }, judge: { steps: 5, count: 100 }, tables: ['readout-vae'] },
    },
    tables: [table, { ...table, id: 'readout-vae', rows: ['vae'] }],
    claims: [
      { id: 'label', quote: 'the code holds the label', source: '§1', check: { kind: 'compare', table: 'readout', model: 'vae', column: 'knn', relation: 'greater', than: 0.5 } },
      { id: 'never', quote: 'the code holds the label perfectly', source: '§2', check: { kind: 'compare', table: 'readout', model: 'vae', column: 'knn', relation: 'greater', than: 1 } },
    ],
    figures: [],
    notes: ['a swiss roll stands in for everything'],
  },
];
