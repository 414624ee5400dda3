"""Authentication requests one after another on ONE paramiko Transport, as a script of steps.

argv: port, JSON list of [method, username, password, pause_seconds]; prints a JSON list with what
each step gave (authenticated, or the exception with paramiko's allowed methods), then whether a
session channel runs a command once authenticated.
"""
import json
import sys
import time

import paramiko

port = int(sys.argv[1])
steps = json.loads(sys.argv[2])
transport = paramiko.Transport(("127.0.0.1", port))
transport.start_client(timeout=10)
seen = []
for method, user, password, pause in steps:
    time.sleep(pause)
    try:
        if method == "none":
            transport.auth_none(user)
        else:
            transport.auth_password(user, password)
        seen.append({"authenticated": transport.is_authenticated()})
    except paramiko.BadAuthenticationType as err:
        seen.append({"error": "BadAuthenticationType", "allowed": list(err.allowed_types), "connected": transport.is_active()})
    except paramiko.SSHException as err:
        seen.append({"error": type(err).__name__, "connected": transport.is_active()})
if transport.is_authenticated():
    channel = transport.open_session()
    channel.exec_command("echo ran")
    seen.append({"exec": channel.makefile().read().decode().strip()})
transport.close()
print(json.dumps(seen))
