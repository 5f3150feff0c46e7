using System.CommandLine;
using Bridge.Host;

var root = new RootCommand("Bridge: one shared pool of machines for YARN jobs, services and cron/batch jobs.")
{
    UpCommand.Create(),
    MasterCommand.Create(),
    AgentCommand.Create(),
    BrokerCommand.Create(),
    RegistryCommand.Create(),
    BusCommand.Create(),
    EventsCommand.Create(),
    ServicesCommand.Create(),
    JobsCommand.Create(),
    AppCommand.Create(),
    JobCommand.Create(),
    RunCommand.Create(),
    StateCommand.Create(),
    HealthCommand.Create(),
    VersionCommand.Create(),
    BenchCommand.Create(),
    ChaosCommand.Create(),
    SimulateCommand.Create(),
    YarnCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
