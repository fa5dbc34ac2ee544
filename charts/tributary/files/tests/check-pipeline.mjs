// `helm test`: does the pipeline answer? Node built-ins only, so it runs in any Tributary image.
//   CHECK_SERVICES  name=host:httpPort:grpcPort,…   each must answer /readyz 200 and gRPC health SERVING
//   INFLUX_URL, INFLUX_ORG, INFLUX_BUCKET, INFLUX_TOKEN, CHECK_INFLUX_RANGE (e.g. -15m): when
//   INFLUX_URL is set, the bucket must hold at least one point that recent
// Exit 0 when every check passes; otherwise one line per failure and exit 1.
import http2 from 'node:http2';

const TIMEOUT_MS = Number(process.env.CHECK_TIMEOUT_MS ?? 10_000);
const SERVING = 1;

/** grpc.health.v1.Health/Check for the whole server (empty service name), over plain HTTP/2. */
function grpcHealth(authority) {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://${authority}`);
    const fail = (error) => {
      session.destroy();
      reject(error);
    };
    session.once('error', fail);
    session.setTimeout(TIMEOUT_MS, () => fail(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    const request = session.request({
      ':method': 'POST',
      ':path': '/grpc.health.v1.Health/Check',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    const chunks = [];
    let status = null;
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('trailers', (trailers) => {
      status = trailers['grpc-status'];
    });
    request.on('response', (headers) => {
      if (headers['grpc-status'] !== undefined) status = headers['grpc-status'];
    });
    request.on('error', fail);
    request.on('end', () => {
      session.close();
      if (status !== '0') return reject(new Error(`grpc-status ${status}`));
      // 5-byte frame header, then HealthCheckResponse: field 1 (status) as varint = 0x08 <value>.
      const body = Buffer.concat(chunks);
      const value = body.length >= 7 && body[5] === 0x08 ? body[6] : 0;
      if (value !== SERVING) return reject(new Error(`status ${value} (1 is SERVING)`));
      resolve('SERVING');
    });
    // An empty HealthCheckRequest: uncompressed, zero length.
    request.end(Buffer.from([0, 0, 0, 0, 0]));
  });
}

async function readyz(hostPort) {
  const response = await fetch(`http://${hostPort}/readyz`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${body.slice(0, 200)}`);
  return 'ready';
}

async function recentPoints({ url, org, bucket, token, range }) {
  const flux = `from(bucket: ${JSON.stringify(bucket)}) |> range(start: ${range}) |> limit(n: 1)`;
  const response = await fetch(`${url.replace(/\/$/, '')}/api/v2/query?org=${encodeURIComponent(org)}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/vnd.flux',
      accept: 'application/csv',
      ...(token ? { authorization: `Token ${token}` } : {}),
    },
    body: flux,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const csv = await response.text();
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${csv.slice(0, 200)}`);
  // Annotated CSV: header lines start with '#' or ',result'; a data row starts with ',_result' or ',,'.
  const rows = csv.split(/\r?\n/).filter((line) => line.startsWith(',') && !line.startsWith(',result'));
  if (rows.length === 0) throw new Error(`no point in bucket ${bucket} since ${range}`);
  return `${rows.length} recent point(s)`;
}

async function check(label, run) {
  try {
    process.stdout.write(`ok   ${label}: ${await run()}\n`);
    return true;
  } catch (error) {
    process.stdout.write(`FAIL ${label}: ${error instanceof Error ? error.message : String(error)}\n`);
    return false;
  }
}

const results = [];
for (const entry of (process.env.CHECK_SERVICES ?? '').split(',').filter(Boolean)) {
  const [name, target] = entry.split('=');
  const [host, httpPort, grpcPort] = (target ?? '').split(':');
  results.push(await check(`${name} /readyz`, () => readyz(`${host}:${httpPort}`)));
  results.push(await check(`${name} gRPC health`, () => grpcHealth(`${host}:${grpcPort}`)));
}
if (process.env.INFLUX_URL) {
  results.push(
    await check('InfluxDB recent points', () =>
      recentPoints({
        url: process.env.INFLUX_URL,
        org: process.env.INFLUX_ORG ?? '-',
        bucket: process.env.INFLUX_BUCKET ?? 'tributary',
        token: process.env.INFLUX_TOKEN,
        range: process.env.CHECK_INFLUX_RANGE ?? '-15m',
      }),
    ),
  );
}
if (results.length === 0) {
  process.stdout.write('FAIL nothing to check: set CHECK_SERVICES and/or INFLUX_URL\n');
  process.exit(1);
}
process.exit(results.every(Boolean) ? 0 : 1);
