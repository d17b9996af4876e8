"""Pipeline stages. Importing the package silences noise that is known to be harmless
(PLATFORM_NOTES): bitsandbytes' message about the optional `kernels` package (never install it:
it fetches from the hub at run time) and transformers' deprecation FutureWarnings."""

import logging
import warnings

logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
warnings.filterwarnings("ignore", category=FutureWarning, module="transformers")
warnings.filterwarnings("ignore", category=FutureWarning, module="trl")
