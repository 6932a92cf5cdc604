export * from './errors.js';
export { accuracy, f1, matthewsCorrelation } from './classification-metrics.js';
export { pearson, spearman, averageRanks } from './correlation-metrics.js';
export { METRICS, type MetricFunction, type MetricName } from './metrics.js';
export type { TaskDefinition, TaskMetric, TaskSplit, TsvLayout } from './task-definition.js';
export { GLUE_TASKS, SENTENCE_LABEL_LAYOUT, type GlueTaskName } from './glue-tasks.js';
export { EMBEDDED_TASKS, type EmbeddedTaskName } from './embedded-tasks.js';
export { TASKS, getTask, getSplit, type TaskName } from './task-registry.js';
export {
  taskScore,
  evaluateTask,
  glueAverage,
  glueAverageTasks,
  GLUE_AVERAGE_TASKS,
  type GlueAverageOptions,
  type SplitPredictions,
  type TaskEvaluation,
} from './scores.js';
export { parseTaskSplit, type GlueExample, type SkippedRow, type SplitData } from './read-split.js';
export { tsvLines, formatTsvRow } from './tsv.js';
export { seededRandom, seededShuffle, splitTrainDev, type SplitOptions, type TrainDevSplit } from './seeded-split.js';
export { emailText, truncateText, type EmailText } from './email-text.js';
export {
  buildReport,
  formatReportMarkdown,
  formatReportJson,
  type GlueReport,
  type ModelScores,
  type ReportRow,
} from './report.js';
export { GLUE_SANE, recipeFor, cosineWithWarmup, type FineTuneRecipe } from './fine-tune-recipe.js';
