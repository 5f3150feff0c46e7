namespace Bridge.Schedulers.Jobs.Tests.Definitions;

/// <summary>
/// Job JSON written the way the upstream documentation writes it, copied unchanged.
/// </summary>
internal static class Samples
{
    /// <summary>Chronos, docs/docs/api.md, "Adding a Scheduled Job" (mesos/chronos@0a154c37).</summary>
    public const string ChronosScheduledJob = """
        {
          "schedule": "R10/2012-10-01T05:52:00Z/PT2S",
          "name": "SAMPLE_JOB1",
          "epsilon": "PT15M",
          "command": "echo 'FOO' >> /tmp/JOB1_OUT",
          "owner": "bob@airbnb.com",
          "async": false
        }
        """;

    /// <summary>Chronos, docs/docs/api.md, "Adding a Dependent Job": a job as Chronos lists it,
    /// status fields and all.</summary>
    public const string ChronosDependentJob = """
        {
          "async": true,
          "command": "bash -x /srv/data-infra/jobs/hive_query.bash run_hive hostings-earnings-summary",
          "epsilon": "PT30M",
          "errorCount": 0,
          "lastError": "",
          "lastSuccess": "2013-03-15T13:02:14.243Z",
          "name": "hostings_earnings_summary",
          "owner": "bob@airbnb.com",
          "parents": [
            "db_export-airbed_hostings",
            "db_export-airbed_reservation2s"
          ],
          "retries": 2,
          "successCount": 100
        }
        """;

    /// <summary>Chronos, docs/docs/api.md, "Adding a Docker Job" (numbers as strings, as written there).</summary>
    public const string ChronosDockerJob = """
        {
          "schedule": "R/2014-09-25T17:22:00Z/PT2M",
          "name": "dockerjob",
          "container": {
            "type": "DOCKER",
            "image": "libmesos/ubuntu",
            "network": "BRIDGE",
            "volumes": [
              {
                "containerPath": "/var/log/",
                "hostPath": "/logs/",
                "mode": "RW"
              }
            ]
          },
          "cpus": "0.5",
          "mem": "512",
          "fetch": [],
          "command": "while sleep 10; do date =u %T; done"
        }
        """;

    /// <summary>Chronos, docs/docs/api.md, "Sample Job".</summary>
    public const string ChronosSampleJob = """
        {
          "name": "camus_kafka2hdfs",
          "command": "/srv/data-infra/kafka/camus/kafka_hdfs_job.bash",
          "arguments": [
            "-verbose",
            "-debug"
          ],
          "shell": false,
          "epsilon": "PT30M",
          "executor": "",
          "executorFlags": "",
          "retries": 2,
          "owner": "bofh@your-company.com",
          "async": false,
          "successCount": 190,
          "errorCount": 3,
          "lastSuccess": "2014-03-08T16:57:17.507Z",
          "lastError": "2014-03-01T00:10:15.957Z",
          "cpus": 1.0,
          "disk": 10240,
          "mem": 1024,
          "disabled": false,
          "fetch": [
            {
              "uri": "https://url-to-file",
              "cache": false,
              "extract": false,
              "executable": false
            }
          ],
          "schedule": "R/2014-03-08T20:00:00.000Z/PT2H",
          "environmentVariables": [
            {
              "name": "JVMOPTS",
              "value": "-Xmx1000m"
            },
            {
              "name": "JAVA_LIBRARY_PATH",
              "value": "/usr/local/lib"
            }
          ]
        }
        """;

    /// <summary>
    /// A Metronome-style cron job: the fields of Metronome's schedule example
    /// (dcos/metronome, api/src/main/resources/public/api/v1/examples/schedule.json) unchanged,
    /// at the top level of a Chronos job, with Chronos' name in place of the schedule's id and a
    /// command.
    /// </summary>
    public const string MetronomeCronJob = """
        {
          "name": "everyminute",
          "command": "date",
          "cron": "* * * * *",
          "concurrencyPolicy": "ALLOW",
          "enabled": true,
          "startingDeadlineSeconds": 60,
          "timezone": "America/Chicago"
        }
        """;
}
