/**
 * Where the evidence leaves two causes, one check decides: a silent peer is a black-holed route, a
 * dropped UDP 500 or a peer that is down; encrypted packets with nothing back are ESP dropped on the
 * way or a LAN that does not answer; a dead DPD peer is a peer that is down or a path that loses
 * its packets. Offline the finding names the check (`decidingCheck`); a live lab runs it itself
 * (lab/engine/deciding-checks.ts) and its outcome, a Decision, rewrites the findings here: the
 * decided cause with what was run and what it showed, the causes it ruled out gone.
 */
import type { CauseId, Finding, FindingSide, LabCheck } from './findings.js';
import { KNOWLEDGE } from './knowledge.js';
import { finding } from './rules/common.js';

export type Question = 'silent-peer' | 'no-decaps' | 'dpd-dead';

/** The causes each question chooses between. */
export const QUESTION_CAUSES: Record<Question, readonly CauseId[]> = {
  'silent-peer': ['peer-unreachable', 'ike-port-blocked'],
  'no-decaps': ['esp-blocked', 'no-return-traffic'],
  'dpd-dead': ['dpd-peer-dead', 'packet-loss'],
};

/** The question a finding leaves open (its cause is one of two the evidence cannot separate). */
export function questionOf(f: Finding | undefined): Question | undefined {
  if (!f) return undefined;
  if (f.cause === 'peer-unreachable' || f.cause === 'ike-port-blocked') return 'silent-peer';
  if (f.cause === 'esp-blocked' || f.cause === 'no-return-traffic') return 'no-decaps';
  if (f.cause === 'dpd-peer-dead') return 'dpd-dead';
  return undefined;
}

export interface Decision {
  question: Question;
  /** The cause the checks showed; undefined when they did not decide (the checks are still reported). */
  cause?: CauseId;
  /** Where the decided cause is (the side whose network or box is at fault). */
  side?: FindingSide;
  /** What the checks showed, as a sentence that ends the finding's text. */
  conclusion: string;
  checks: LabCheck[];
}

/**
 * The findings with a decision applied: the decided cause (its evidence kept, its text ending with
 * what the lab checked), the other causes of the question removed. An undecided check is attached
 * to the question's best finding as it is.
 */
export function applyDecision(findings: Finding[], d: Decision): Finding[] {
  const group = QUESTION_CAUSES[d.question];
  const members = findings.filter((f) => group.includes(f.cause));
  if (!members.length) return findings;
  const best = members.reduce((a, b) => (b.confidence > a.confidence ? b : a));
  if (!d.cause) {
    return findings.map((f) =>
      f === best ? { ...f, summary: `${f.summary} The lab checked: ${d.conclusion}`, checked: d.checks } : f,
    );
  }
  const base = members.find((f) => f.cause === d.cause) ?? best;
  const decided: Finding =
    base.cause === d.cause
      ? { ...base }
      : finding(d.cause, d.side ?? base.side, 0, evidenceLead(d.question, base), base.evidence);
  decided.side = d.side ?? decided.side;
  decided.confidence = Math.max(decided.confidence, 0.95);
  decided.summary = `${base.cause === d.cause ? base.summary : decided.summary} The lab checked: ${d.conclusion}`;
  decided.checked = d.checks;
  delete decided.alternatives;
  delete decided.decidingCheck;
  decided.fix = [...KNOWLEDGE[d.cause].fix];
  return [decided, ...findings.filter((f) => !group.includes(f.cause) && f.cause !== d.cause)];
}

/** What the evidence itself shows, for a cause the checks chose that no rule had named. */
function evidenceLead(q: Question, base: Finding): string {
  if (q === 'silent-peer') return 'The IKE requests went unanswered.';
  if (q === 'no-decaps') return 'Traffic entered the tunnel and nothing came back.';
  return `${base.summary.split(/(?<=\.)\s/)[0]}`;
}
