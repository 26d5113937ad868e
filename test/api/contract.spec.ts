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
  DiagnosisResult,
  FaultFamilyInfo,
  HealthEventInfo,
  IkeSaInfo,
  LabApi,
  LabEventInfo,
  LabSettings,
  LabStatusInfo,
  LogRecord,
  PingResultInfo,
  PreloadApi,
  SaSnapshotInfo,
  SettingsIssue,
  SettingsPair,
  UpResultInfo,
} from '../../lab/api/contract.js';
import type { ARG_SCHEMAS } from '../../lab/api/schemas.js';
import type { LabService } from '../../lab/api/service.js';
import type { LabErrorCode } from '../../lab/docker/errors.js';
import type { Check } from '../../lab/doctor/checks.js';
import type { HealthEvent } from '../../lab/engine/health-monitor.js';
import type { LabEvent, LabStatus, SaSnapshot, UpResult } from '../../lab/engine/types.js';
import type { FaultError } from '../../lab/faults/fault-service.js';
import type { FaultFamily } from '../../lab/faults/types.js';
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
      'logs' | 'sas' | 'lab' | 'health' | 'findings' | 'engine' | 'changed' | 'validate'
    >();
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
