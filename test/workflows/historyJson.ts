import { createRequire } from 'node:module';
import { temporal } from '@temporalio/proto';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

/**
 * Histories as the JSON that Temporal's tools write and read: what `historyToJSON` and
 * `historyFromJSON` of '@temporalio/common/lib/proto-utils' do. Those throw "type must be a
 * Type" in this install: npm gives @temporalio/common and @temporalio/proto a protobufjs 8 each
 * (the top-level one is @grpc/proto-loader's protobufjs 7), and the first copy does not
 * recognise the second's types. This uses the copy that built the proto types.
 */

type History = temporal.api.history.v1.IHistory;

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): unknown;
}

const protoJson = createRequire(require.resolve('@temporalio/proto'))(
  'protobufjs/ext/protojson',
) as ProtoJson;
const historyType = (
  patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }
).lookupType('temporal.api.history.v1.History');

export function historyToJSON(history: History): string {
  return JSON.stringify(
    protoJson.toJson(historyType, temporal.api.history.v1.History.fromObject(history)),
    null,
    2,
  );
}

export function historyFromJSON(json: string): History {
  return protoJson.fromJson(historyType, JSON.parse(json), {
    ignoreUnknownFields: true,
  }) as History;
}
