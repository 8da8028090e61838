// The V8 flags `npm run serve` starts the server with (package.json's serve script says the same;
// tests/server/server.test.ts checks them): young-generation semi-spaces of at most 4 MB. V8 grows them
// up to 16 MB as objects outlive scavenges, which a long-lived server always has, and the RSS
// grows with them: 700 autosaves took a server from 90 to 110 MB with the default and kept it at
// 90 MB with 4 MB (heap in use 10–11 MB either way); half an hour of runs in the soak
// (bench/soak.ts) grew it by 10%.
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=4']
