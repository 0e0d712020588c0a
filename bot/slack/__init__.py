"""The Slack side every flow shares: who people are (``people``), naming a Web API
failure (``errors``), the one way to answer a person privately and the refusal it
carries (``privately``), and reading who pressed what out of a payload (``payloads``)."""
