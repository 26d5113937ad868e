// Type-only tests: they pin the channel map, the events and the envelope, and that the engine's
// own values fit the shapes that cross to the UI. A change that breaks the contract fails here.
import { describe, expect, expectTypeOf, it } from 'vitest';

import type {
  ApiErrorCode,
  ApiEvents,
  ApiMethod,
  ApiMethods,
  ApiResponse,
  CheckInfo,
  CustomerDiagnosisInfo,
  CustomerImportInfo,
  CustomerImportRequest,
  CustomerInputInfo,
  CustomerProgressInfo,
  DiagnosisResult,
  ExportFormatInfo,
  FaultFamilyInfo,
  HealthEventInfo,
  IkeSaInfo,
  ImportedEndInfo,
  LabApi,
  LabEventInfo,
  LabSettings,
  LabStatusInfo,
  LogRecord,
  PingResultInfo,
  PreloadApi,
  ReproductionInfo,
  SaSnapshotInfo,
  SettingsIssue,
  SettingsPair,
  UploadInfo,
  UpResultInfo,
} from '../../lab/api/contract.js';
import type { ARG_SCHEMAS } from '../../lab/api/schemas.js';
import type { LabService } from '../../lab/api/service.js';
import type { DiagnosisResult as EngineDiagnosis } from '../../lab/diagnosis/findings.js';
import type { LabErrorCode } from '../../lab/docker/errors.js';
import type { Check } from '../../lab/doctor/checks.js';
import type { HealthEvent } from '../../lab/engine/health-monitor.js';
import type { LabEvent, LabStatus, SaSnapshot, UpResult } from '../../lab/engine/types.js';
import type { FaultError } from '../../lab/faults/fault-service.js';
import type { FaultFamily } from '../../lab/faults/types.js';
import type { ImportFormat, ImportResult } from '../../lab/importers/types.js';
import type { Reproduction } from '../../lab/reproduce/reproduce.js';
import type { PingResult } from '../../lab/traffic/ping.js';
import type { IkeSaInfo as ViciIkeSa } from '../../lab/vici/sas.js';

describe('the UI contract', () => {
  it('pins the channel map: every method, its arguments and its result', () => {
    expectTypeOf<ApiMethod>().toEqualTypeOf<
      | 'snapshot'
      | 'labUp'
      | 'labDown'
      | 'labStatus'
      | 'getSettings'
      | 'validateSettings'
      | 'traffic'
      | 'doctor'
      | 'faultsList'
      | 'faultApply'
      | 'faultRevert'
      | 'impair'
      | 'applySettings'
      | 'settingsSave'
      | 'settingsDiff'
      | 'diagnosis'
      | 'logsPage'
      | 'validateRun'
      | 'captureStart'
      | 'captureStop'
      | 'scenariosList'
      | 'scenarioStep'
      | 'customerOpen'
      | 'customerAppend'
      | 'customerFinish'
      | 'customerDiscard'
      | 'customerLines'
      | 'customerDiagnose'
      | 'customerReproduce'
      | 'customerImport'
      | 'customerExport'
    >();
    expectTypeOf<ApiMethods['labUp']['args']>().toEqualTypeOf<[settings?: LabSettings]>();
    expectTypeOf<ApiMethods['labUp']['result']>().toEqualTypeOf<UpResultInfo>();
    expectTypeOf<ApiMethods['labDown']['args']>().toEqualTypeOf<[]>();
    expectTypeOf<ApiMethods['labStatus']['result']>().toEqualTypeOf<LabStatusInfo>();
    expectTypeOf<ApiMethods['validateSettings']['args']>().toEqualTypeOf<[settings: unknown]>();
    expectTypeOf<ApiMethods['validateSettings']['result']>().toEqualTypeOf<SettingsIssue[]>();
    expectTypeOf<ApiMethods['traffic']['result']>().toEqualTypeOf<PingResultInfo>();
    expectTypeOf<ApiMethods['doctor']['result']>().toEqualTypeOf<CheckInfo[]>();
    expectTypeOf<ApiMethods['faultApply']['args']>().toEqualTypeOf<[ids: string[]]>();
    expectTypeOf<ApiMethods['faultRevert']['args']>().toEqualTypeOf<[ids?: string[]]>();
    expectTypeOf<ApiMethods['applySettings']['args']>().toEqualTypeOf<[settings: LabSettings]>();
    expectTypeOf<ApiMethods['settingsDiff']['result']>().toEqualTypeOf<SettingsPair[]>();
    expectTypeOf<ApiMethods['diagnosis']['result']>().toEqualTypeOf<DiagnosisResult>();
    expectTypeOf<LabApi['labUp']>().toEqualTypeOf<(settings?: LabSettings) => Promise<UpResultInfo>>();
    expectTypeOf<PreloadApi['invoke']>().parameter(0).toEqualTypeOf<ApiMethod>();
  });

  it('has a runtime schema for exactly the methods of the contract', () => {
    expectTypeOf<keyof typeof ARG_SCHEMAS>().toEqualTypeOf<ApiMethod>();
  });

  it('pins the events', () => {
    expectTypeOf<keyof ApiEvents>().toEqualTypeOf<
      'logs' | 'sas' | 'lab' | 'health' | 'findings' | 'engine' | 'changed' | 'validate' | 'customer'
    >();
    expectTypeOf<ApiEvents['customer']>().toEqualTypeOf<CustomerProgressInfo>();
    expectTypeOf<ApiEvents['logs']>().toEqualTypeOf<LogRecord[]>();
    expectTypeOf<ApiEvents['sas']>().toEqualTypeOf<SaSnapshotInfo>();
    expectTypeOf<ApiEvents['findings']>().toEqualTypeOf<DiagnosisResult>();
    expectTypeOf<ApiEvents['engine']>().toEqualTypeOf<{ available: boolean; message: string }>();
  });

  it("pins the envelope and the error codes (the engine's and the fault layer's included)", () => {
    expectTypeOf<ApiResponse<number>>().toEqualTypeOf<
      | { ok: true; result: number }
      | { ok: false; error: { code: ApiErrorCode; message: string; hint?: string; issues?: SettingsIssue[] } }
    >();
    expectTypeOf<LabErrorCode>().toExtend<ApiErrorCode>();
    expectTypeOf<FaultError['code']>().toExtend<ApiErrorCode>();
    expectTypeOf<'invalid-request'>().toExtend<ApiErrorCode>();
    expectTypeOf<'forbidden'>().toExtend<ApiErrorCode>();
  });

  it("the engine's values fit the shapes that cross", () => {
    expectTypeOf<ViciIkeSa>().toExtend<IkeSaInfo>();
    expectTypeOf<SaSnapshot>().toExtend<SaSnapshotInfo>();
    expectTypeOf<LabStatus>().toExtend<LabStatusInfo>();
    expectTypeOf<LabEvent>().toExtend<LabEventInfo>();
    expectTypeOf<HealthEvent>().toExtend<HealthEventInfo>();
    expectTypeOf<Check>().toExtend<CheckInfo>();
    expectTypeOf<FaultFamily>().toEqualTypeOf<FaultFamilyInfo>();
    expectTypeOf<Omit<UpResult, 'features'>>().toExtend<UpResultInfo>();
    expectTypeOf<Omit<PingResult, 'output'>>().toExtend<PingResultInfo>();
  });

  it('the service implements the whole contract', () => {
    expectTypeOf<LabService>().toExtend<LabApi>();
  });
});

describe('customer material (issues 14 and 15)', () => {
  it('pins the customer methods: texts in pieces, lines on request, diagnose, reproduce, import, export', () => {
    expectTypeOf<ApiMethods['customerOpen']['args']>().toEqualTypeOf<[meta: { name: string; size?: number }]>();
    expectTypeOf<ApiMethods['customerOpen']['result']>().toEqualTypeOf<UploadInfo>();
    expectTypeOf<ApiMethods['customerAppend']['args']>().toEqualTypeOf<[id: string, seq: number, chunk: string]>();
    expectTypeOf<ApiMethods['customerFinish']['args']>().toEqualTypeOf<[id: string]>();
    expectTypeOf<ApiMethods['customerLines']['args']>().toEqualTypeOf<[id: string, from: number, count: number]>();
    expectTypeOf<ApiMethods['customerDiagnose']['args']>().toEqualTypeOf<[inputs: CustomerInputInfo[]]>();
    expectTypeOf<ApiMethods['customerDiagnose']['result']>().toEqualTypeOf<CustomerDiagnosisInfo>();
    expectTypeOf<ApiMethods['customerReproduce']['args']>().toEqualTypeOf<
      [cause: string, opts?: { settings?: LabSettings }]
    >();
    expectTypeOf<ApiMethods['customerReproduce']['result']>().toEqualTypeOf<ReproductionInfo>();
    expectTypeOf<ApiMethods['customerImport']['args']>().toEqualTypeOf<[request: CustomerImportRequest]>();
    expectTypeOf<ApiMethods['customerImport']['result']>().toEqualTypeOf<CustomerImportInfo>();
    expectTypeOf<ApiMethods['customerExport']['args'][2]>().toEqualTypeOf<ExportFormatInfo>();
  });

  it("the engine's values fit the customer shapes", () => {
    // A diagnosis of customer texts is the engine's result plus where its evidence lives.
    expectTypeOf<EngineDiagnosis>().toExtend<Omit<CustomerDiagnosisInfo, 'sources' | 'reproduce' | 'durationMs'>>();
    expectTypeOf<ImportFormat>().toEqualTypeOf<ImportedEndInfo['format']>();
    expectTypeOf<Pick<ImportResult, 'unsupported' | 'warnings' | 'placeholders' | 'tunnels'>>().toExtend<
      Pick<ImportedEndInfo, 'unsupported' | 'warnings' | 'placeholders' | 'tunnels'>
    >();
    expectTypeOf<Pick<Reproduction, 'cause' | 'alternatives' | 'labVerdict' | 'matched' | 'notes'>>().toExtend<
      Pick<ReproductionInfo, 'cause' | 'alternatives' | 'labVerdict' | 'matched' | 'notes'>
    >();
  });

  it('checks customer requests: ids, piece sizes, sides, formats', async () => {
    const { checkCall } = await import('../../lab/api/schemas.js');
    expect(checkCall('customerOpen', [{ name: 'asa.log', size: 10 }])).toMatchObject({ ok: true });
    expect(checkCall('customerOpen', [{ name: '' }])).toMatchObject({ ok: false });
    expect(checkCall('customerOpen', [{ name: 'x', path: '/etc/passwd' }])).toMatchObject({ ok: false });
    expect(checkCall('customerAppend', ['u1abc', 0, 'line\n'])).toMatchObject({ ok: true });
    expect(checkCall('customerAppend', ['../../etc', 0, 'x'])).toMatchObject({
      ok: false,
      message: expect.stringContaining('expected a text id'),
    });
    // One message never carries more than a piece: a 100 MB text must come in pieces.
    expect(checkCall('customerAppend', ['u1abc', 0, 'x'.repeat(512 * 1024 + 1)])).toMatchObject({ ok: false });
    expect(checkCall('customerLines', ['u1abc', 0, 10])).toMatchObject({ ok: false });
    expect(checkCall('customerLines', ['u1abc', 1, 501])).toMatchObject({ ok: false });
    expect(checkCall('customerDiagnose', [[{ upload: 'u1abc', side: 'unknown' }]])).toMatchObject({ ok: true });
    expect(checkCall('customerDiagnose', [[{ upload: 'u1abc', side: 'middle' }]])).toMatchObject({ ok: false });
    expect(checkCall('customerDiagnose', [[]])).toMatchObject({ ok: false });
    expect(checkCall('customerReproduce', ['psk-mismatch'])).toMatchObject({ ok: true });
    expect(checkCall('customerReproduce', ['PSK mismatch!'])).toMatchObject({ ok: false });
    expect(checkCall('customerImport', [{ configs: [{ upload: 'u1abc', side: 'unknown' }] }])).toMatchObject({
      ok: false,
    });
    expect(
      checkCall('customerImport', [
        {
          configs: [
            { upload: 'u1', side: 'left' },
            { upload: 'u2', side: 'right' },
            { upload: 'u3', side: 'left' },
          ],
        },
      ]),
    ).toMatchObject({ ok: false });
    expect(checkCall('customerExport', [{}, 'right', 'paloalto'])).toMatchObject({ ok: true });
    expect(checkCall('customerExport', [{}, 'right', 'junos'])).toMatchObject({ ok: false });
  });
});

describe('scenario requests', () => {
  it("are checked like every other request: the id's shape and the step number", async () => {
    const { checkCall } = await import('../../lab/api/schemas.js');
    expect(checkCall('scenarioStep', ['phase1-psk', 0])).toMatchObject({ ok: true });
    expect(checkCall('scenarioStep', ['Phase 1!', 0])).toMatchObject({
      ok: false,
      message: expect.stringContaining('expected a scenario id'),
    });
    expect(checkCall('scenarioStep', ['phase1-psk', -1])).toMatchObject({
      ok: false,
      message: expect.stringContaining('argument 1'),
    });
    expect(checkCall('scenariosList', [])).toMatchObject({ ok: true });
  });
});
