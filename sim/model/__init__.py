"""The model: members and their strategies, memory and trust, event formats, the market.

One module per mechanism (see docs/model.md, section 7). `NetworkingModel` is imported lazily, so
that validating a scenario (which reads the strategy and format registries) does not load Mesa.
"""


def __getattr__(name: str):
    if name == "NetworkingModel":
        from sim.model.model import NetworkingModel

        return NetworkingModel
    raise AttributeError(name)
