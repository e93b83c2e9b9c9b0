// Local Kinesis (kinesalite) and DynamoDB (dynalite) for development, in one command from a clean clone:
//
//   node tests/emulators/dev.js [--kinesis-port 4567] [--dynamodb-port 4568] [--host 127.0.0.1] [--fan-out [--fan-out-port 4569]]
//
// --fan-out also starts kinesis-local (enhanced fan-out: RegisterStreamConsumer, SubscribeToShard over HTTP/2) on its
// own port, for `consume --efo`; kinesalite has no fan-out.
//
// Installs the pinned emulators first if needed (npm ci in this folder, the same lock file as the tests), starts
// both on fixed ports, prints their endpoints and the environment the AWS SDKs want, and runs until Ctrl+C. Data is
// kept in memory only. (start.js is the tests' launcher: ephemeral ports, tied to the test process's stdin.)
'use strict'

const { execSync } = require('child_process')
const fs = require('fs')
const path = require('path')

const usage = 'usage: node tests/emulators/dev.js [--kinesis-port N] [--dynamodb-port N] [--host ADDRESS] [--fan-out [--fan-out-port N]]'

function parse (argv) {
  const options = { kinesisPort: 4567, dynamodbPort: 4568, host: '127.0.0.1', fanOut: false, fanOutPort: 4569 }
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]
    const value = argv[i + 1]
    if (flag === '--help' || flag === '-h') {
      console.log(usage)
      process.exit(0)
    }
    if (flag === '--fan-out') {
      options.fanOut = true
      i--
      continue
    }
    if (value === undefined) fail(`option ${flag} needs a value`)
    if (flag === '--kinesis-port') options.kinesisPort = port(flag, value)
    else if (flag === '--dynamodb-port') options.dynamodbPort = port(flag, value)
    else if (flag === '--host') options.host = value
    else if (flag === '--fan-out-port') options.fanOutPort = port(flag, value)
    else fail(`unknown option '${flag}'`)
  }
  return options
}

function port (flag, value) {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 65535) fail(`${flag} '${value}' is not a port number (1-65535)`)
  return n
}

function fail (message) {
  process.stderr.write(`${message}\n${usage}\n`)
  process.exit(2)
}

function ensureInstalled () {
  const modules = path.join(__dirname, 'node_modules')
  if (['kinesalite', 'dynalite', 'kinesis-local'].every((m) => fs.existsSync(path.join(modules, m)))) return
  process.stdout.write('installing kinesalite, dynalite and kinesis-local (npm ci) ...\n')
  execSync('npm ci --no-audit --no-fund', { cwd: __dirname, stdio: 'inherit' })
}

function listen (name, server, host, port) {
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`${name} cannot listen on ${host}:${port}: ${err.code || err.message} (choose another port with the flags)`)))
    server.listen(port, host, () => resolve())
  })
}

async function main () {
  const options = parse(process.argv.slice(2))
  ensureInstalled()
  const kinesalite = require('kinesalite')
  const dynalite = require('dynalite')
  const kinesis = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 })
  const dynamodb = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
  await listen('kinesalite', kinesis, options.host, options.kinesisPort)
  await listen('dynalite', dynamodb, options.host, options.dynamodbPort)
  const fanOutUrl = options.fanOut ? await startKinesisLocal(options) : null
  const kinesisUrl = `http://${options.host}:${options.kinesisPort}`
  const dynamodbUrl = `http://${options.host}:${options.dynamodbPort}`
  process.stdout.write([
    `Kinesis  (kinesalite) at ${kinesisUrl}`,
    `DynamoDB (dynalite)   at ${dynamodbUrl}`,
    ...(fanOutUrl ? [`Kinesis with enhanced fan-out (kinesis-local) at ${fanOutUrl} (for consume --efo)`] : []),
    '',
    'In another terminal (the emulators accept any credentials):',
    '  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1',
    `  export AWS_ENDPOINT_URL_KINESIS=${kinesisUrl} AWS_ENDPOINT_URL_DYNAMODB=${dynamodbUrl}`,
    '',
    'Ctrl+C to stop (data is in memory only).',
    ''
  ].join('\n'))
}

// kinesis-local only runs as a program configured by its environment; kinesis-local.js ends it when our pipe to its
// stdin closes, so it stops with this process.
function startKinesisLocal (options) {
  const child = require('child_process').spawn(process.execPath, [path.join(__dirname, 'kinesis-local.js')], {
    cwd: __dirname,
    stdio: ['pipe', 'ignore', 'inherit'],
    env: {
      ...process.env,
      KINESIS_MOCK_PLAIN_PORT: String(options.fanOutPort),
      KINESIS_MOCK_TLS_PORT: String(options.fanOutPort + 1),
      KINESIS_MOCK_CERT_PATH: require.resolve('kinesis-local/server.json'),
      AWS_REGION: 'us-east-1',
      CREATE_STREAM_DURATION: '0ms',
      REGISTER_STREAM_CONSUMER_DURATION: '100ms',
      SPLIT_SHARD_DURATION: '0ms',
      MERGE_SHARDS_DURATION: '0ms',
      LOG_LEVEL: 'ERROR',
      ROOT_LOG_LEVEL: 'ERROR'
    }
  })
  const net = require('net')
  const deadline = Date.now() + 60000
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`kinesis-local exited (code ${code}) before listening on ${options.fanOutPort}`)))
    const attempt = () => {
      const socket = net.connect(options.fanOutPort, '127.0.0.1')
      socket.once('connect', () => { socket.destroy(); resolve(`http://127.0.0.1:${options.fanOutPort}`) })
      socket.once('error', () => {
        socket.destroy()
        if (Date.now() > deadline) reject(new Error('kinesis-local did not listen within 60 s'))
        else setTimeout(attempt, 100)
      })
    }
    attempt()
  })
}

process.on('SIGINT', () => process.exit(0))
process.on('SIGTERM', () => process.exit(0))

main().catch((err) => {
  process.stderr.write(`emulators failed to start: ${err && err.message ? err.message : err}\n`)
  process.exit(1)
})
