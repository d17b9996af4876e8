"""CPU stand-ins for what tests cannot reach: the Hugging Face hub (hub.py)."""
