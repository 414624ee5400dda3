"""Drives the SSH server with paramiko (Debian's python3-paramiko); prints one JSON object of what it saw.

Usage: sshParamiko.py PORT. Run by test/e2e/sshPython.test.ts, which checks every field.
"""
import json
import sys
import time

import paramiko

PORT = int(sys.argv[1])
seen = {}


def client(**kwargs):
    ssh = paramiko.SSHClient()
    ssh.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    ssh.connect("127.0.0.1", port=PORT, look_for_keys=False, allow_agent=False, timeout=10, **kwargs)
    return ssh


def read_until(channel, text, timeout=8.0):
    data = b""
    deadline = time.time() + timeout
    while text.encode() not in data:
        if time.time() > deadline:
            raise TimeoutError("no %r in %r" % (text, data[-300:]))
        if channel.recv_ready():
            data += channel.recv(65536)
        else:
            time.sleep(0.01)
    return data.decode()


def run(channel, command):
    channel.exec_command(command)
    out = channel.makefile("rb").read().decode()
    err = channel.makefile_stderr("rb").read().decode()
    return {"out": out, "err": err, "status": channel.recv_exit_status()}


# Password auth as paramiko does it: connect(password=...).
ssh = client(username="pat", password="pw")
transport = ssh.get_transport()
seen["cipher"] = transport.remote_cipher
seen["mac"] = transport.remote_mac

# Two channels on one connection, both alive at once: a shell with a pty and an exec.
shell = transport.open_session()
shell.get_pty(term="xterm", width=90, height=30)
shell.invoke_shell()
read_until(shell, "TestServer> ")
exec_channel = transport.open_session()
seen["execBeside"] = run(exec_channel, "info")
shell.send("info\r")
seen["shellInfo"] = read_until(shell, "TestServer> ")
shell.resize_pty(width=120, height=40)
time.sleep(0.3)
shell.send("info\r")
seen["shellResized"] = read_until(shell, "TestServer> ")
shell.send("exit\r")
seen["shellExit"] = shell.recv_exit_status()

# env requests before exec.
env_channel = transport.open_session()
env_channel.update_environment({"LANG": "C.UTF-8", "USER": "root", "LD_PRELOAD": "/x.so"})
seen["env"] = run(env_channel, "env")
seen["unknown"] = run(transport.open_session(), "nosuch")
ssh.close()

# Channels per connection: ten bare channels (no shell) are open; the eleventh is refused; once one
# is closed another fits.
ssh = client(username="bare", password="pw")
transport = ssh.get_transport()
bare = [transport.open_session(timeout=5) for _ in range(10)]
try:
    transport.open_session(timeout=5)
    seen["eleventh"] = "opened"
except paramiko.ChannelException as err:
    seen["eleventh"] = "refused: %s" % err
bare[0].close()
time.sleep(0.3)
try:
    seen["afterClose"] = run(transport.open_session(timeout=5), "echo again")
except paramiko.ChannelException as err:
    seen["afterClose"] = "refused: %s" % err
ssh.close()

# keyboard-interactive: one "Password: " prompt, echo off, answered through authCallback.
sock_transport = paramiko.Transport(("127.0.0.1", PORT))
sock_transport.start_client(timeout=10)
prompts = []


def answer(title, instructions, prompt_list):
    prompts.extend([[text, echo] for text, echo in prompt_list])
    return ["pw" for _ in prompt_list]


sock_transport.auth_interactive("kim", answer)
seen["kbdPrompts"] = prompts
seen["kbdExec"] = run(sock_transport.open_session(), "echo via keyboard-interactive")
sock_transport.close()

# A wrong password is refused.
try:
    client(username="pat", password="nope")
    seen["wrongPassword"] = "logged in"
except paramiko.AuthenticationException:
    seen["wrongPassword"] = "refused"

print(json.dumps(seen))
