// Starts the local Kinesis (kinesalite), DynamoDB (dynalite) and enhanced fan-out Kinesis (kinesis-local) emulators
// for the integration tests.
//
// All bind to loopback on free ports. When all listen, one line of JSON is written to stdout:
//   {"kinesis":PORT,"dynamodb":PORT,"kinesisLocal":PORT}
// kinesisLocal is kinesis-local's plain port (HTTP/1.1 and h2c with prior knowledge). The process exits when its stdin
// closes (the test process that owns it ended, even if it crashed) or on SIGTERM/SIGINT, so no server outlives the
// tests; kinesis-local runs as a child process (kinesis-local.js) that exits with it. Data is kept in memory only.
'use strict'

const childProcess = require('child_process')
const net = require('net')
const path = require('path')
const kinesalite = require('kinesalite')
const dynalite = require('dynalite')

const host = '127.0.0.1'

function listen (server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => {
      server.removeListener('error', reject)
      resolve(server.address().port)
    })
  })
}

// A port nothing listens on now: bind to port 0, note the port, release it. kinesis-local takes its ports from the
// environment, so it cannot report an ephemeral one; a port taken in between fails its start, which is retried.
function freePort () {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, host, () => {
      const port = probe.address().port
      probe.close(() => resolve(port))
    })
  })
}

function accepts (port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, host)
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => { socket.destroy(); resolve(false) })
  })
}

let kinesisLocal = null

// Starts kinesis-local on free ports; resolves with its plain port once that port accepts connections.
async function startKinesisLocal (attempt) {
  const [plainPort, tlsPort] = [await freePort(), await freePort()]
  const output = []
  const child = childProcess.spawn(process.execPath, [path.join(__dirname, 'kinesis-local.js')], {
    cwd: __dirname,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      KINESIS_MOCK_PLAIN_PORT: String(plainPort),
      KINESIS_MOCK_TLS_PORT: String(tlsPort),
      KINESIS_MOCK_CERT_PATH: require.resolve('kinesis-local/server.json'),
      AWS_REGION: 'us-east-1',
      CREATE_STREAM_DURATION: '0ms',
      DELETE_STREAM_DURATION: '0ms',
      REGISTER_STREAM_CONSUMER_DURATION: '100ms',
      DEREGISTER_STREAM_CONSUMER_DURATION: '0ms',
      SPLIT_SHARD_DURATION: '0ms',
      MERGE_SHARDS_DURATION: '0ms',
      UPDATE_SHARD_COUNT_DURATION: '0ms',
      SHARD_LIMIT: '100',
      SHOULD_PERSIST_DATA: 'false',
      LOAD_DATA_IF_EXISTS: 'false',
      LOG_LEVEL: 'ERROR',
      ROOT_LOG_LEVEL: 'ERROR'
    }
  })
  let exited = false
  child.once('exit', () => { exited = true })
  const keep = (chunk) => { output.push(chunk.toString()); if (output.length > 200) output.shift() }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  kinesisLocal = child

  const deadline = Date.now() + 60000
  while (!exited && Date.now() < deadline) {
    if (await accepts(plainPort)) {
      // From now on its output (errors only, at LOG_LEVEL=ERROR) goes to ours, which the test fixture collects.
      child.stdout.removeListener('data', keep)
      child.stderr.removeListener('data', keep)
      child.stdout.on('data', (chunk) => process.stderr.write(chunk))
      child.stderr.on('data', (chunk) => process.stderr.write(chunk))
      child.once('exit', (code, signal) => {
        process.stderr.write('kinesis-local exited (code ' + code + ', signal ' + signal + ')\n')
      })
      return plainPort
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }

  child.kill('SIGKILL')
  kinesisLocal = null
  if (exited && attempt < 3) return startKinesisLocal(attempt + 1)
  throw new Error('kinesis-local ' + (exited ? 'exited' : 'did not listen within 60 s') + ' (plain port ' + plainPort + '). Its output:\n' + output.join(''))
}

let exiting = false
function exit (code) {
  if (exiting) return
  exiting = true
  if (kinesisLocal) kinesisLocal.kill('SIGKILL')
  // Do not wait for the servers to drain: they hold nothing worth keeping.
  process.exit(code)
}

async function main () {
  const kinesis = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 })
  const dynamodb = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
  const [kinesisPort, dynamodbPort, kinesisLocalPort] = await Promise.all([listen(kinesis), listen(dynamodb), startKinesisLocal(1)])
  process.stdout.write(JSON.stringify({ kinesis: kinesisPort, dynamodb: dynamodbPort, kinesisLocal: kinesisLocalPort }) + '\n')
}

process.on('SIGTERM', () => exit(0))
process.on('SIGINT', () => exit(0))
process.stdin.on('end', () => exit(0))
process.stdin.on('close', () => exit(0))
process.stdin.on('error', () => exit(0))
process.stdin.resume()

main().catch((err) => {
  process.stderr.write('emulators failed to start: ' + (err && err.stack ? err.stack : err) + '\n')
  exit(1)
})
