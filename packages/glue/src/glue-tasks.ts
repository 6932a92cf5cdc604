import type { TaskDefinition, TsvLayout } from './task-definition.js';

/**
 * Files with a header row `sentence<TAB>label` (SST-2 train and dev, and the embedded tasks).
 * Uses: sentence, label. Rows are numbered from 0.
 */
export const SENTENCE_LABEL_LAYOUT: TsvLayout = { labelColumn: 'label' };

/**
 * CoLA train and dev: no header row; four columns: source (the publication, `gj04`), label (0 or 1), the
 * original author's acceptability mark (`*`, `?`, or empty) and the sentence.
 * Uses: label, sentence. Rows are numbered from 0.
 */
const COLA_LABELED: TsvLayout = {
  columns: ['source', 'label', 'original_mark', 'sentence'],
  labelColumn: 'label',
};

/** Test files with a header row `index<TAB>sentence` (CoLA, SST-2). Uses: index, sentence. */
const INDEX_SENTENCE_TEST: TsvLayout = { idColumn: 'index' };

/**
 * MRPC train and dev: header `Quality<TAB>#1 ID<TAB>#2 ID<TAB>#1 String<TAB>#2 String`; Quality is the label
 * (1 = paraphrase). The file may begin with a UTF-8 byte-order mark, kept from Microsoft's release.
 * Uses: Quality, #1 String, #2 String. Rows are numbered from 0.
 */
const MRPC_LABELED: TsvLayout = { labelColumn: 'Quality' };

/** MRPC test: header `index<TAB>#1 ID<TAB>#2 ID<TAB>#1 String<TAB>#2 String`. Uses: index, #1 String, #2 String. */
const MRPC_TEST: TsvLayout = { idColumn: 'index' };

/**
 * STS-B train and dev: ten columns, header `index genre filename year old_index source1 source2 sentence1
 * sentence2 score`, the similarity score (0 to 5) last. Uses: index, sentence1, sentence2, score.
 */
const STSB_LABELED: TsvLayout = { idColumn: 'index', labelColumn: 'score' };

/** STS-B test: the same columns without score. Uses: index, sentence1, sentence2. */
const STSB_TEST: TsvLayout = { idColumn: 'index' };

/**
 * QQP train and dev: header `id qid1 qid2 question1 question2 is_duplicate`. Uses: id, question1, question2,
 * is_duplicate. The official train file has a few rows whose fields are missing or split over two lines
 * (questions with line breaks); such rows are skipped and reported, as the reference readers skip them.
 */
const QQP_LABELED: TsvLayout = { idColumn: 'id', labelColumn: 'is_duplicate', wrongFieldCount: 'skip' };

/** QQP test: header `id question1 question2`. Uses: id, question1, question2. Rows with missing fields are skipped. */
const QQP_TEST: TsvLayout = { idColumn: 'id', wrongFieldCount: 'skip' };

/**
 * MNLI train (12 columns) and dev_matched / dev_mismatched (16 columns, with the five annotators' labels):
 * header `index promptID pairID genre sentence1_binary_parse sentence2_binary_parse sentence1_parse
 * sentence2_parse sentence1 sentence2 label1 [label2 ... label5] gold_label`, gold_label last.
 * Uses: index, sentence1, sentence2, gold_label, found by name so both widths read alike.
 */
const MNLI_LABELED: TsvLayout = { idColumn: 'index', labelColumn: 'gold_label' };

/** MNLI test_matched / test_mismatched: the first ten columns of the above. Uses: index, sentence1, sentence2. */
const MNLI_TEST: TsvLayout = { idColumn: 'index' };

/**
 * QNLI, RTE and WNLI train and dev: header `index<TAB><text a><TAB><text b><TAB>label` (text columns
 * `question`/`sentence` for QNLI, `sentence1`/`sentence2` for RTE and WNLI). Uses: index, both texts, label.
 */
const INDEX_PAIR_LABELED: TsvLayout = { idColumn: 'index', labelColumn: 'label' };

/** QNLI, RTE and WNLI test: the same without label. Uses: index and both texts. */
const INDEX_PAIR_TEST: TsvLayout = { idColumn: 'index' };

export const COLA: TaskDefinition = {
  name: 'CoLA',
  description: 'Corpus of Linguistic Acceptability: is the sentence grammatical?',
  directory: 'CoLA',
  kind: 'classification',
  numLabels: 2,
  labels: ['unacceptable', 'acceptable'],
  fileLabels: ['0', '1'],
  sentenceColumns: ['sentence'],
  splits: {
    train: { file: 'train.tsv', layout: COLA_LABELED },
    dev: { file: 'dev.tsv', layout: COLA_LABELED },
    test: { file: 'test.tsv', layout: INDEX_SENTENCE_TEST },
  },
  metrics: [{ key: 'matthewsCorrelation', metric: 'matthewsCorrelation', split: 'dev' }],
};

export const SST2: TaskDefinition = {
  name: 'SST-2',
  description: 'Stanford Sentiment Treebank: is the movie-review phrase positive?',
  directory: 'SST-2',
  kind: 'classification',
  numLabels: 2,
  labels: ['negative', 'positive'],
  fileLabels: ['0', '1'],
  sentenceColumns: ['sentence'],
  splits: {
    train: { file: 'train.tsv', layout: SENTENCE_LABEL_LAYOUT },
    dev: { file: 'dev.tsv', layout: SENTENCE_LABEL_LAYOUT },
    test: { file: 'test.tsv', layout: INDEX_SENTENCE_TEST },
  },
  metrics: [{ key: 'accuracy', metric: 'accuracy', split: 'dev' }],
};

export const MRPC: TaskDefinition = {
  name: 'MRPC',
  description: 'Microsoft Research Paraphrase Corpus: are the two news sentences paraphrases?',
  directory: 'MRPC',
  kind: 'classification',
  numLabels: 2,
  labels: ['not_equivalent', 'equivalent'],
  fileLabels: ['0', '1'],
  sentenceColumns: ['#1 String', '#2 String'],
  splits: {
    train: { file: 'train.tsv', layout: MRPC_LABELED },
    dev: { file: 'dev.tsv', layout: MRPC_LABELED },
    test: { file: 'test.tsv', layout: MRPC_TEST },
  },
  metrics: [
    { key: 'f1', metric: 'f1', split: 'dev' },
    { key: 'accuracy', metric: 'accuracy', split: 'dev' },
  ],
};

export const STSB: TaskDefinition = {
  name: 'STS-B',
  description: 'Semantic Textual Similarity Benchmark: how similar are the two sentences, from 0 to 5?',
  directory: 'STS-B',
  kind: 'regression',
  numLabels: 1,
  labels: [],
  fileLabels: [],
  scoreRange: [0, 5],
  sentenceColumns: ['sentence1', 'sentence2'],
  splits: {
    train: { file: 'train.tsv', layout: STSB_LABELED },
    dev: { file: 'dev.tsv', layout: STSB_LABELED },
    test: { file: 'test.tsv', layout: STSB_TEST },
  },
  metrics: [
    { key: 'pearson', metric: 'pearson', split: 'dev' },
    { key: 'spearman', metric: 'spearman', split: 'dev' },
  ],
};

export const QQP: TaskDefinition = {
  name: 'QQP',
  description: 'Quora Question Pairs: do the two questions ask the same thing?',
  directory: 'QQP',
  kind: 'classification',
  numLabels: 2,
  labels: ['not_duplicate', 'duplicate'],
  fileLabels: ['0', '1'],
  sentenceColumns: ['question1', 'question2'],
  splits: {
    train: { file: 'train.tsv', layout: QQP_LABELED },
    dev: { file: 'dev.tsv', layout: QQP_LABELED },
    test: { file: 'test.tsv', layout: QQP_TEST },
  },
  metrics: [
    { key: 'f1', metric: 'f1', split: 'dev' },
    { key: 'accuracy', metric: 'accuracy', split: 'dev' },
  ],
};

export const MNLI: TaskDefinition = {
  name: 'MNLI',
  description: 'Multi-Genre Natural Language Inference: does the premise entail, contradict or not decide the hypothesis?',
  directory: 'MNLI',
  kind: 'classification',
  numLabels: 3,
  // The order of the GLUE data on the Hugging Face hub, which the reference's fine-tuning uses.
  labels: ['entailment', 'neutral', 'contradiction'],
  fileLabels: ['entailment', 'neutral', 'contradiction'],
  sentenceColumns: ['sentence1', 'sentence2'],
  splits: {
    train: { file: 'train.tsv', layout: MNLI_LABELED },
    dev_matched: { file: 'dev_matched.tsv', layout: MNLI_LABELED },
    dev_mismatched: { file: 'dev_mismatched.tsv', layout: MNLI_LABELED },
    test_matched: { file: 'test_matched.tsv', layout: MNLI_TEST },
    test_mismatched: { file: 'test_mismatched.tsv', layout: MNLI_TEST },
  },
  metrics: [
    { key: 'matchedAccuracy', metric: 'accuracy', split: 'dev_matched' },
    { key: 'mismatchedAccuracy', metric: 'accuracy', split: 'dev_mismatched' },
  ],
};

export const QNLI: TaskDefinition = {
  name: 'QNLI',
  description: 'Question NLI (from SQuAD): does the sentence contain the answer to the question?',
  directory: 'QNLI',
  kind: 'classification',
  numLabels: 2,
  labels: ['entailment', 'not_entailment'],
  fileLabels: ['entailment', 'not_entailment'],
  sentenceColumns: ['question', 'sentence'],
  splits: {
    train: { file: 'train.tsv', layout: INDEX_PAIR_LABELED },
    dev: { file: 'dev.tsv', layout: INDEX_PAIR_LABELED },
    test: { file: 'test.tsv', layout: INDEX_PAIR_TEST },
  },
  metrics: [{ key: 'accuracy', metric: 'accuracy', split: 'dev' }],
};

export const RTE: TaskDefinition = {
  name: 'RTE',
  description: 'Recognizing Textual Entailment: does the first sentence entail the second?',
  directory: 'RTE',
  kind: 'classification',
  numLabels: 2,
  labels: ['entailment', 'not_entailment'],
  fileLabels: ['entailment', 'not_entailment'],
  sentenceColumns: ['sentence1', 'sentence2'],
  splits: {
    train: { file: 'train.tsv', layout: INDEX_PAIR_LABELED },
    dev: { file: 'dev.tsv', layout: INDEX_PAIR_LABELED },
    test: { file: 'test.tsv', layout: INDEX_PAIR_TEST },
  },
  metrics: [{ key: 'accuracy', metric: 'accuracy', split: 'dev' }],
};

export const WNLI: TaskDefinition = {
  name: 'WNLI',
  description: 'Winograd NLI: with the pronoun replaced, is the second sentence entailed by the first?',
  directory: 'WNLI',
  kind: 'classification',
  numLabels: 2,
  labels: ['not_entailment', 'entailment'],
  fileLabels: ['0', '1'],
  sentenceColumns: ['sentence1', 'sentence2'],
  splits: {
    train: { file: 'train.tsv', layout: INDEX_PAIR_LABELED },
    dev: { file: 'dev.tsv', layout: INDEX_PAIR_LABELED },
    test: { file: 'test.tsv', layout: INDEX_PAIR_TEST },
  },
  metrics: [{ key: 'accuracy', metric: 'accuracy', split: 'dev' }],
};

export type GlueTaskName = 'CoLA' | 'SST-2' | 'MRPC' | 'STS-B' | 'QQP' | 'MNLI' | 'QNLI' | 'RTE' | 'WNLI';

/** The nine GLUE tasks, in the benchmark's order. */
export const GLUE_TASKS: Readonly<Record<GlueTaskName, TaskDefinition>> = {
  CoLA: COLA,
  'SST-2': SST2,
  MRPC,
  'STS-B': STSB,
  QQP,
  MNLI,
  QNLI,
  RTE,
  WNLI,
};
