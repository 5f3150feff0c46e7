// Each test runs a whole pool (master, agents, ResourceManager, bridge, NodeManager processes) on one 2-core machine:
// one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
