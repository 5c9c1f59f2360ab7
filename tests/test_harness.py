"""The offline evaluator itself: isolation between evaluations and stand-in detection."""

from __future__ import annotations

from pathlib import Path

from offline.evaluate import ensure_nsxt_importable, evaluate


def test_a_failed_apply_does_not_leak_into_the_next_evaluation(tmp_path: Path, dev):
    # An apply that raises while feeding a resource input leaves a failed task in the SDK's
    # process-wide output set; the next evaluation in the same process must not re-raise it.
    program = tmp_path / "__main__.py"
    program.write_text(
        "import pulumi, pulumi_vsphere as vsphere\n"
        "def boom(_):\n"
        "    raise RuntimeError('apply failed on purpose')\n"
        "vsphere.Provider('p', vsphere_server=pulumi.Output.from_input('x').apply(boom), user='u',\n"
        "                 password=pulumi.Output.secret('pw'))\n"
    )
    failed = evaluate("x", config={}, program=program, project="p")
    assert isinstance(failed.error, RuntimeError)
    again = evaluate("dev")
    assert again.error is None, again.error
    assert len(again.resources) == len(dev.resources)


def test_the_stand_in_is_reported_on_every_call_where_the_sdk_was_not_generated():
    first, second = ensure_nsxt_importable(), ensure_nsxt_importable()
    assert first == second
    assert evaluate("dev").nsxt_sdk == first


def test_the_plan_output_shows_the_vio_spec_masked_and_the_same_on_every_run(dev, capsys):
    from offline.__main__ import spec
    from offline.evaluate import DYNAMIC_PROVIDER_KEY

    first = spec(dev)
    text = "\n".join(first)
    for header in ("VirtualMachine vio-plane-manager  [protected]", "OpenStackDeployment vio-plane-deployment  [protected]",
                   "NsxBackend vio-plane-nsx", "VcenterRegistration vio-plane-vcenter-resource",
                   "PolicyMetadataProxy vio-res-nsx-metadata-proxy"):
        assert header in first, header
    assert '"admin_password": "[secret]"' in text and '"secret": "[secret]"' in text
    assert "planted-secret-" not in text and DYNAMIC_PROVIDER_KEY not in text
    assert spec(evaluate("dev")) == first
