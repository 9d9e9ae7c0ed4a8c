/*
 * IAM audits by tools the project did not write: parliament (Duo Labs: malformed or mismatched
 * statements, needless Resource "*") and cloudsplaining (Salesforce: what a policy can do with
 * unconstrained resources: exfiltrate data, escalate privileges, expose resources, return
 * credentials). Each runs over one policy document at a time from the test virtual environment;
 * a finding is named by its role, so that an allow-list survives Terraform's generated policy names.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool, venvTool } from '../python-tools.js';
import type { PolicyDocument } from './policy-evaluation.js';

export interface AuditFinding {
  readonly tool: 'parliament' | 'cloudsplaining';
  readonly role: string;
  /** parliament's issue code, or cloudsplaining's risk. */
  readonly issue: string;
  /** The actions it names, sorted. */
  readonly actions: readonly string[];
}

export async function auditPolicy(role: string, document: PolicyDocument): Promise<AuditFinding[]> {
  const text = JSON.stringify(document);
  const dir = mkdtempSync(join(tmpdir(), 'iam-audit-'));
  const file = join(dir, 'policy.json');
  writeFileSync(file, text);
  // parliament reads stdin when it is no terminal: the document goes as --string, stdin closed.
  const parliament = await runTool(venvTool('parliament'), ['--string', text, '--json', '--minimum_severity', 'INFO'], dir);
  const cloudsplaining = await runTool(venvTool('cloudsplaining'), ['scan-policy-file', '-i', file], dir);
  if (cloudsplaining.code !== 0) throw new Error(`cloudsplaining failed on ${role}:\n${cloudsplaining.output}`);
  return [...parliamentFindings(role, parliament.output), ...cloudsplainingFindings(role, cloudsplaining.output)];
}

function parliamentFindings(role: string, output: string): AuditFinding[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      const finding = JSON.parse(line) as { issue: string; detail?: unknown };
      const actions = Array.isArray(finding.detail)
        ? finding.detail.map((d) => (typeof d === 'string' ? d : ((d as { action?: string }).action ?? JSON.stringify(d))))
        : [];
      return { tool: 'parliament' as const, role, issue: finding.issue, actions: actions.sort() };
    });
}

/** cloudsplaining prints, per risk, "Potential Issue found: Policy <risk>" and then "Actions: a, b". */
function cloudsplainingFindings(role: string, output: string): AuditFinding[] {
  // Its colours are escape sequences (ESC [ ... m) around the words.
  const lines = output.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '').split('\n');
  const findings: AuditFinding[] = [];
  lines.forEach((line, index) => {
    const risk = /^Potential Issue found: (.+)$/.exec(line.trim())?.[1];
    if (risk === undefined) return;
    const actions = /^Actions: (.*)$/.exec(lines[index + 1]?.trim() ?? '')?.[1] ?? '';
    findings.push({ tool: 'cloudsplaining', role, issue: risk, actions: actions.split(', ').filter(Boolean).sort() });
  });
  return findings;
}
