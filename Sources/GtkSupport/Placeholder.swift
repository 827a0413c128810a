// GtkSupport: being written this session.
