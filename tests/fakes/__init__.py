"""CPU stand-ins for what tests cannot reach: the Hugging Face hub (hub.py), tiny GPU-shaped
checkpoints (checkpoints.py), unsloth (unsloth/), trl 1.15's Triton kernel (trl_cpu_kernel.py)."""
