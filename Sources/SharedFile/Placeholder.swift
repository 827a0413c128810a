// SharedFile: being written this session.
