// Runs kinesis-local (a Scala.js build of kinesis-mock, which only runs as a program, configured by environment
// variables) as a child of start.js. It exits when its stdin closes, so it cannot outlive start.js even when start.js
// is killed without a chance to stop it.
'use strict'

function exit () {
  process.exit(0)
}

process.stdin.on('end', exit)
process.stdin.on('close', exit)
process.stdin.on('error', exit)
process.stdin.resume()

// Starts the servers on the ports in KINESIS_MOCK_PLAIN_PORT and KINESIS_MOCK_TLS_PORT.
require('kinesis-local')
