// Starts the local Kinesis (kinesalite) and DynamoDB (dynalite) emulators for the integration tests.
//
// Both bind to loopback on an ephemeral port. When both listen, one line of JSON is written to stdout:
//   {"kinesis":PORT,"dynamodb":PORT}
// The process exits when its stdin closes (the test process that owns it ended, even if it crashed) or on
// SIGTERM/SIGINT, so no server outlives the tests. Data is kept in memory only.
'use strict'

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

let exiting = false
function exit (code) {
  if (exiting) return
  exiting = true
  // Do not wait for the servers to drain: they hold nothing worth keeping.
  process.exit(code)
}

async function main () {
  const kinesis = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 })
  const dynamodb = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
  const [kinesisPort, dynamodbPort] = await Promise.all([listen(kinesis), listen(dynamodb)])
  process.stdout.write(JSON.stringify({ kinesis: kinesisPort, dynamodb: dynamodbPort }) + '\n')
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
