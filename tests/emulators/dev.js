// Local Kinesis (kinesalite) and DynamoDB (dynalite) for development, in one command from a clean clone:
//
//   node tests/emulators/dev.js [--kinesis-port 4567] [--dynamodb-port 4568] [--host 127.0.0.1]
//
// Installs the pinned emulators first if needed (npm ci in this folder, the same lock file as the tests), starts
// both on fixed ports, prints their endpoints and the environment the AWS SDKs want, and runs until Ctrl+C. Data is
// kept in memory only. (start.js is the tests' launcher: ephemeral ports, tied to the test process's stdin.)
'use strict'

const { execSync } = require('child_process')
const fs = require('fs')
const path = require('path')

const usage = 'usage: node tests/emulators/dev.js [--kinesis-port N] [--dynamodb-port N] [--host ADDRESS]'

function parse (argv) {
  const options = { kinesisPort: 4567, dynamodbPort: 4568, host: '127.0.0.1' }
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]
    const value = argv[i + 1]
    if (flag === '--help' || flag === '-h') {
      console.log(usage)
      process.exit(0)
    }
    if (value === undefined) fail(`option ${flag} needs a value`)
    if (flag === '--kinesis-port') options.kinesisPort = port(flag, value)
    else if (flag === '--dynamodb-port') options.dynamodbPort = port(flag, value)
    else if (flag === '--host') options.host = value
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
  if (fs.existsSync(path.join(modules, 'kinesalite')) && fs.existsSync(path.join(modules, 'dynalite'))) return
  process.stdout.write('installing kinesalite and dynalite (npm ci) ...\n')
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
  const kinesisUrl = `http://${options.host}:${options.kinesisPort}`
  const dynamodbUrl = `http://${options.host}:${options.dynamodbPort}`
  process.stdout.write([
    `Kinesis  (kinesalite) at ${kinesisUrl}`,
    `DynamoDB (dynalite)   at ${dynamodbUrl}`,
    '',
    'In another terminal (the emulators accept any credentials):',
    '  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1',
    `  export AWS_ENDPOINT_URL_KINESIS=${kinesisUrl} AWS_ENDPOINT_URL_DYNAMODB=${dynamodbUrl}`,
    '',
    'Ctrl+C to stop (data is in memory only).',
    ''
  ].join('\n'))
}

process.on('SIGINT', () => process.exit(0))
process.on('SIGTERM', () => process.exit(0))

main().catch((err) => {
  process.stderr.write(`emulators failed to start: ${err && err.message ? err.message : err}\n`)
  process.exit(1)
})
