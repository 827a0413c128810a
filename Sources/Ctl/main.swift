// sharedmemory-ctl: exit 0 on success, 1 on a runtime failure (one line on stderr), 2 on usage.
CtlMain.run()
