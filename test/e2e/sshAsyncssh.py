"""Drives the SSH server with asyncssh (Debian's python3-asyncssh); prints one JSON object of what it saw.

Usage: sshAsyncssh.py PORT. Run by test/e2e/sshPython.test.ts, which checks every field.
"""
import asyncio
import json
import sys

import asyncssh

PORT = int(sys.argv[1])


async def main():
    seen = {}
    options = dict(port=PORT, known_hosts=None, username="ash", password="pw",
                   preferred_auth="keyboard-interactive", client_keys=None, agent_path=None)
    async with asyncssh.connect("127.0.0.1", **options) as conn:
        one, two = await asyncio.gather(conn.run("echo one"), conn.run("nosuch"))
        seen["one"] = [one.stdout, one.stderr, one.exit_status]
        seen["two"] = [two.stdout, two.stderr, two.exit_status]
        shell = await conn.run("info", env={"LANG": "C.UTF-8"}, term_type="vt220", term_size=(100, 30))
        seen["ptyExec"] = [shell.stdout, shell.exit_status]
        process = await conn.create_process(term_type="xterm", term_size=(80, 24))
        await process.stdout.readuntil("TestServer> ")
        process.stdin.write("exit\r")
        await process.wait_closed()
        seen["exit"] = process.exit_status
    print(json.dumps(seen))


asyncio.run(main())
