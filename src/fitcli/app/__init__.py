"""The command line's plumbing: the invocation's context, parameters, output, the lazily
loading command group, help and usage messages in the user's language, and the one error
boundary. Commands and services use it; it holds no command of its own.
"""
