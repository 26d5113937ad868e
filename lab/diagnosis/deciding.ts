/**
 * Where the evidence leaves two causes, one check decides: a silent peer is a black-holed route, a
 * dropped UDP 500 or a peer that is down; encrypted packets with nothing back are ESP dropped on the
 * way or a LAN that does not answer; a dead DPD peer is a peer that is down or a path that loses
 * its packets. Offline the finding names the check (`decidingCheck`); a live lab runs it itself
 * (lab/engine/deciding-checks.ts) and its outcome, a Decision, rewrites the findings here: the
 * decided cause with what was run and what it showed, the causes it ruled out gone.
 */
import type { CauseId, DiagnosisResult, Finding, FindingSide, LabCheck } from './findings.js';
import { KNOWLEDGE } from './knowledge.js';
import { isFault } from './live.js';
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

/** Runs the check that decides a question on a lab (lab/engine/deciding-checks.ts). */
export type Decider = (q: Question, f: Finding) => Promise<Decision>;

/** What each question's check gave so far: 'running' while it runs. */
export type Decisions = ReadonlyMap<Question, Decision | 'running'>;

/**
 * One judgement step, the same for the live view and `explain`: the findings with every decision
 * made so far applied (the verdict following the top fault), and the question the top fault still
 * leaves open, when its check has not run yet.
 */
export function decideStep(
  r: DiagnosisResult,
  decisions: Decisions,
): { result: DiagnosisResult; open?: { question: Question; finding: Finding } } {
  let findings = r.findings;
  for (const d of decisions.values()) if (d !== 'running') findings = applyDecision(findings, d);
  const top = findings.find(isFault);
  const q = questionOf(top);
  const open = q && !decisions.has(q) ? { question: q, finding: top! } : undefined;
  if (findings === r.findings) return { result: r, open };
  const verdict = findings.find(isFault);
  return { result: { ...r, findings, verdict: verdict ? verdict.cause : r.verdict }, open };
}

/** A check that threw: reported as such, deciding nothing. */
export function checkFailed(question: Question, e: unknown): Decision {
  return { question, conclusion: `the deciding check could not run (${(e as Error).message}).`, checks: [] };
}

/**
 * Runs the lab's deciding checks on a finished result until none is left open (one per question at
 * most: a decided cause can leave another question, e.g. a silent peer that turns out down), as
 * the live feed does while the evidence arrives.
 */
export async function decideAll(r: DiagnosisResult, decider: Decider): Promise<DiagnosisResult> {
  const decisions = new Map<Question, Decision | 'running'>();
  for (;;) {
    const { result, open } = decideStep(r, decisions);
    if (!open) return result;
    decisions.set(
      open.question,
      await decider(open.question, open.finding).catch((e) => checkFailed(open.question, e)),
    );
  }
}
