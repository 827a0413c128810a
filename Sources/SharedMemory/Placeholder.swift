// SharedMemory: being written this session.
