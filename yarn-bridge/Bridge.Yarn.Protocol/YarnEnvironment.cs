namespace Bridge.Yarn.Protocol;

/// <summary>
/// Names shared by the ResourceManager, NodeManagers and ApplicationMasters: the environment variables of an AM
/// container and of every container, and the gRPC metadata headers. Hadoop's names where Hadoop has the thing
/// (<c>ApplicationConstants.Environment</c>, <c>ApplicationConstants.APP_SUBMIT_TIME_ENV</c>, ...).
/// </summary>
public static class YarnEnvironment
{
    /// <summary>AM containers: the AM token (<see cref="Security.AmRmTokens"/>), to send in <see cref="AmRmTokenHeader"/>.
    /// Hadoop puts the AMRMToken in the container's credentials file instead.</summary>
    public const string AmRmToken = "YARN_AMRM_TOKEN";

    /// <summary>AM containers: the ResourceManager's ApplicationMasterProtocol address, <c>http://host:port</c>
    /// (Hadoop's AMs read <c>yarn.resourcemanager.scheduler.address</c> from their configuration).</summary>
    public const string SchedulerAddress = "YARN_RM_SCHEDULER_ADDRESS";

    /// <summary>AM containers: the submission time, ms since the epoch (Hadoop's <c>APP_SUBMIT_TIME_ENV</c>).</summary>
    public const string AppSubmitTime = "APP_SUBMIT_TIME_ENV";

    /// <summary>AM containers: attempts the application may have (Hadoop's <c>MAX_APP_ATTEMPTS</c>).</summary>
    public const string MaxAppAttempts = "MAX_APP_ATTEMPTS";

    /// <summary>Every container: its own id (<c>container_…</c>; for the AM, its attempt is in it). Set by the RM for AM
    /// containers; NodeManagers set it for every container, as Hadoop's do.</summary>
    public const string ContainerId = "CONTAINER_ID";

    /// <summary>Every container (set by its NodeManager): the NodeManager's host.</summary>
    public const string NmHost = "NM_HOST";

    /// <summary>Every container (set by its NodeManager): the NodeManager's ContainerManagementProtocol port.</summary>
    public const string NmPort = "NM_PORT";

    /// <summary>Every container (set by its NodeManager): the NodeManager's web port.</summary>
    public const string NmHttpPort = "NM_HTTP_PORT";

    /// <summary>Every container (set by its NodeManager): the submitting user.</summary>
    public const string User = "USER";

    /// <summary>Every container (set by its NodeManager): its log directories, comma-separated.</summary>
    public const string LogDirs = "LOG_DIRS";

    /// <summary>Every container (set by its NodeManager): its working directory.</summary>
    public const string Pwd = "PWD";

    /// <summary>gRPC request header carrying the AM token on every ApplicationMasterProtocol call.</summary>
    public const string AmRmTokenHeader = "yarn-amrm-token";

    /// <summary>gRPC request header naming the submitting user on ApplicationClientProtocol calls (default <c>dr.who</c>,
    /// Hadoop's anonymous user; Hadoop takes the RPC connection's user).</summary>
    public const string UserHeader = "yarn-user";

    /// <summary>The user of a call that names none (Hadoop's <c>hadoop.http.staticuser.user</c> default).</summary>
    public const string DefaultUser = "dr.who";
}
