"""The kit's own agentic-misalignment data and the scripts that build it (README.md)."""
