import { describe, expect, it } from 'vitest';
import { emailText, truncateText } from './index.js';

describe('emailText', () => {
  it('takes the subject header and the plain body, with whitespace collapsed', () => {
    const raw =
      'From someone@example.com  Thu Aug 22 12:36:23 2002\nReturn-Path: <a@example.com>\nSubject: Meeting\n  moved to Friday\n\nHi all,\n\n\tthe meeting is on Friday now.\n';
    expect(emailText(raw)).toEqual({ subject: 'Meeting moved to Friday', body: 'Hi all, the meeting is on Friday now.' });
  });

  it('decodes encoded-word subjects and quoted-printable bodies in their charset', () => {
    const raw = [
      'Subject: =?iso-8859-1?Q?Caf=E9_au_lait?= =?utf-8?B?4pyTIGRvbmU=?=',
      'Content-Type: text/plain; charset="iso-8859-1"',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Un caf=E9 tr=E8s =',
      'chaud =3D bon.',
    ].join('\r\n');
    expect(emailText(raw)).toEqual({ subject: 'Café au lait✓ done', body: 'Un café très chaud = bon.' });
  });

  it('prefers the plain-text alternative and strips HTML where there is only HTML', () => {
    const alternative = [
      'Subject: offer',
      'Content-Type: multipart/alternative; boundary="XYZ"',
      '',
      'preamble is not shown',
      '--XYZ',
      'Content-Type: text/html',
      '',
      '<p>html version</p>',
      '--XYZ',
      'Content-Type: text/plain',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('plain version').toString('base64'),
      '--XYZ--',
      'epilogue is not shown',
    ].join('\n');
    expect(emailText(alternative).body).toBe('plain version');

    const html =
      'Subject: deal\nContent-Type: text/html\n\n<html><head><style>p{}</style></head><body><p>Buy&nbsp;now &amp; save &#36;5</p><!-- x --></body></html>';
    expect(emailText(html).body).toBe('Buy now & save $5');
  });

  it('keeps the text parts of a mixed multipart and drops binary attachments', () => {
    const raw = [
      'Content-Type: multipart/mixed; boundary=b1',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'see attached',
      '--b1',
      'Content-Type: application/octet-stream',
      'Content-Transfer-Encoding: base64',
      '',
      'AAECAwQ=',
      '--b1--',
    ].join('\n');
    expect(emailText(raw)).toEqual({ subject: '', body: 'see attached' });
  });

  it('treats an undeclared HTML page as HTML', () => {
    expect(emailText('Subject: x\n\n<HTML><BODY>Click <A HREF="http://x">here</A></BODY></HTML>').body).toBe('Click here');
  });
});

describe('truncateText', () => {
  it('cuts at a word boundary within the last fifth of the limit, or hard where there is none', () => {
    expect(truncateText('short', 10)).toBe('short');
    expect(truncateText('one two three four five', 12)).toBe('one two thre');
    expect(truncateText('one two three four five', 14)).toBe('one two three');
    expect(truncateText('abcdefghijklmnop', 5)).toBe('abcde');
  });

  it('never splits a surrogate pair', () => {
    expect(truncateText('abcd😀ef', 5)).toBe('abcd');
  });
});
