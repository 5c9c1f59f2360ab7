"""The vio-nfv policy pack: `pulumi preview --policy-pack policy/` (CI passes it on every preview).

Every policy is mandatory: a violation fails the preview. The policies live in `vionfv_policies.py`.
"""

import sys

from pulumi_policy import EnforcementLevel, PolicyPack
from vionfv_policies import install_secret_markers, policies

# Without secret markers every credential would look like plaintext; rather than block every preview
# on that false alarm, the credentials policy then only warns (and says so).
markers = install_secret_markers()
if not markers:
    print("vio-nfv policy pack: cannot see secret markers with this pulumi-policy; "
          "credentials-are-secrets runs as advisory", file=sys.stderr)

PolicyPack(
    name="vio-nfv",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=policies(None if markers else EnforcementLevel.ADVISORY),
)
