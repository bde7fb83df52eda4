#!/usr/bin/env python3
"""The gRPC contract of Nudge, checked from Python with Debian's python3-grpcio and python3-grpc-tools.

Stubs are generated from proto/ at run time into a temporary directory (nothing generated is kept),
then the script calls a running server over plaintext gRPC:

    NUDGE_ADDRESS=127.0.0.1:50051 python3 test/python/contract_test.py

The server must serve the demo campaign (`home-banner`, campaigns/demo.yaml) with the demo features
(`npm start` does). Optional environment:
    NUDGE_CAMPAIGN     campaign to decide for (default home-banner)
    NUDGE_CUSTOMER     customer to decide for (default c0001)
    NUDGE_EVENT_TYPE   an event type some campaign on the server reads: TrackEvent must answer ACCEPTED.
                       Without it, a `page_view` event must be valid (ACCEPTED or IGNORED).

test/python/python.test.ts runs this script against a real server in the test suite (and so in CI).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import uuid

import grpc
import grpc_tools

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROTO_DIR = os.path.join(ROOT, "proto")
PROTO_FILE = os.path.join(PROTO_DIR, "nudge", "v1", "nudge.proto")

ADDRESS = os.environ.get("NUDGE_ADDRESS", "")
CAMPAIGN = os.environ.get("NUDGE_CAMPAIGN", "home-banner")
CUSTOMER = os.environ.get("NUDGE_CUSTOMER", "c0001")
EVENT_TYPE = os.environ.get("NUDGE_EVENT_TYPE", "")
DEMO_OFFERS = {"free-shipping", "ten-percent-off", "new-arrivals", "loyalty-points"}
# A guard against a hung server, not a latency check.
TIMEOUT_S = 10.0

pb2 = None
pb2_grpc = None
_gen_dir = None


def generate_stubs():
    """python3 -m grpc_tools.protoc into a temporary directory; imports nudge.v1.nudge_pb2(_grpc)."""
    global pb2, pb2_grpc, _gen_dir
    _gen_dir = tempfile.mkdtemp(prefix="nudge-pystubs-")
    args = [sys.executable, "-m", "grpc_tools.protoc", "-I", PROTO_DIR]
    # The well-known types (google/protobuf/*.proto) ship inside grpc_tools.
    well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    if os.path.isdir(well_known):
        args += ["-I", well_known]
    args += ["--python_out=" + _gen_dir, "--grpc_python_out=" + _gen_dir, PROTO_FILE]
    run = subprocess.run(args, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError("grpc_tools.protoc failed (%d): %s %s" % (run.returncode, run.stdout, run.stderr))
    sys.path.insert(0, _gen_dir)
    from nudge.v1 import nudge_pb2, nudge_pb2_grpc  # noqa: E402 (generated just now)

    pb2, pb2_grpc = nudge_pb2, nudge_pb2_grpc


def nudge_code(err):
    """The stable Nudge error code of a failed call: the start of the status details, before ': '."""
    details = err.details() or ""
    code, sep, _ = details.partition(": ")
    return code if sep and code.startswith("NUDGE_") else None


class ContractTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.channel = grpc.insecure_channel(ADDRESS)
        grpc.channel_ready_future(cls.channel).result(timeout=TIMEOUT_S)
        cls.decisions = pb2_grpc.DecisionServiceStub(cls.channel)

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()

    def decide(self, customer=CUSTOMER, num_offers=2):
        req = pb2.DecideRequest(campaign=CAMPAIGN, customer_id=customer, channel="app", num_offers=num_offers,
                                request_id="py-" + uuid.uuid4().hex)
        return self.decisions.Decide(req, timeout=TIMEOUT_S)

    def test_decide_returns_offers_and_a_decision_id(self):
        d = self.decide()
        self.assertTrue(d.decision_id, "decision_id is empty")
        self.assertFalse(d.no_action, "unexpected no_action: %s" % d.no_action_reason)
        self.assertGreaterEqual(len(d.offers), 1)
        self.assertLessEqual(len(d.offers), 2)
        self.assertTrue(d.policy, "policy is empty")
        for o in d.offers:
            if CAMPAIGN == "home-banner":
                self.assertIn(o.offer_id, DEMO_OFFERS)
            self.assertGreaterEqual(o.probability, 0.0)
            self.assertLessEqual(o.probability, 1.0)
            self.assertGreater(o.propensity, 0.0)
            self.assertLessEqual(o.propensity, 1.0)
        # Decision ids are unique.
        self.assertNotEqual(self.decide().decision_id, d.decision_id)

    def test_outcome_is_applied_once_then_duplicate(self):
        d = self.decide()
        outcome = pb2.Outcome(decision_id=d.decision_id, offer_id=d.offers[0].offer_id, reward=1.0)
        first = self.decisions.ReportOutcome(outcome, timeout=TIMEOUT_S)
        self.assertEqual(first.status, pb2.OutcomeAck.APPLIED, pb2.OutcomeAck.Status.Name(first.status))
        # delta = reward - predicted probability, so in [0, 1] for a reward of 1.
        self.assertGreaterEqual(first.delta, 0.0)
        self.assertLessEqual(first.delta, 1.0)
        again = self.decisions.ReportOutcome(outcome, timeout=TIMEOUT_S)
        self.assertEqual(again.status, pb2.OutcomeAck.DUPLICATE, pb2.OutcomeAck.Status.Name(again.status))
        self.assertEqual(again.delta, 0.0)

    def test_outcome_for_an_unknown_decision(self):
        outcome = pb2.Outcome(decision_id=str(uuid.uuid4()), offer_id="free-shipping", reward=1.0)
        ack = self.decisions.ReportOutcome(outcome, timeout=TIMEOUT_S)
        self.assertEqual(ack.status, pb2.OutcomeAck.UNKNOWN_DECISION, pb2.OutcomeAck.Status.Name(ack.status))

    def test_invalid_request_is_invalid_argument_with_its_code(self):
        req = pb2.DecideRequest(campaign=CAMPAIGN, customer_id="")
        with self.assertRaises(grpc.RpcError) as caught:
            self.decisions.Decide(req, timeout=TIMEOUT_S)
        err = caught.exception
        self.assertEqual(err.code(), grpc.StatusCode.INVALID_ARGUMENT, err.details())
        self.assertEqual(nudge_code(err), "NUDGE_INVALID_ARGUMENT", err.details())
        self.assertIn("customer_id", err.details())

    def test_unknown_campaign_is_not_found_with_its_code(self):
        req = pb2.DecideRequest(campaign="no-such-campaign-" + uuid.uuid4().hex[:8], customer_id=CUSTOMER)
        with self.assertRaises(grpc.RpcError) as caught:
            self.decisions.Decide(req, timeout=TIMEOUT_S)
        err = caught.exception
        self.assertEqual(err.code(), grpc.StatusCode.NOT_FOUND, err.details())
        self.assertEqual(nudge_code(err), "NUDGE_CAMPAIGN_NOT_FOUND", err.details())

    def test_track_event_is_accepted(self):
        event = pb2.Event(customer_id=CUSTOMER, session_id="py-session", type=EVENT_TYPE or "page_view",
                          properties={"page": "pricing"}, value=1.0)
        ack = self.decisions.TrackEvent(event, timeout=TIMEOUT_S)
        name = pb2.EventAck.Status.Name(ack.status)
        if EVENT_TYPE:
            self.assertEqual(ack.status, pb2.EventAck.ACCEPTED, "%s %s" % (name, ack.detail))
        else:
            self.assertIn(ack.status, (pb2.EventAck.ACCEPTED, pb2.EventAck.IGNORED), "%s %s" % (name, ack.detail))

    def test_invalid_event_is_answered_invalid(self):
        ack = self.decisions.TrackEvent(pb2.Event(customer_id=CUSTOMER, type=""), timeout=TIMEOUT_S)
        self.assertEqual(ack.status, pb2.EventAck.INVALID, pb2.EventAck.Status.Name(ack.status))
        self.assertIn("type", ack.detail)


def main():
    if not ADDRESS:
        print("set NUDGE_ADDRESS to the server's host:port (e.g. 127.0.0.1:50051)", file=sys.stderr)
        return 2
    generate_stubs()
    try:
        program = unittest.main(argv=[sys.argv[0], "-v"] + sys.argv[1:], exit=False)
        return 0 if program.result.wasSuccessful() else 1
    finally:
        shutil.rmtree(_gen_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
