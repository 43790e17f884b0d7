package io.adaptivememory.bench.cluster;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;

import java.util.Map;

/** A Flink session cluster that jobs are submitted to over its REST endpoint. */
public interface SessionCluster extends AutoCloseable {

    /** Client-side configuration that submits to this cluster ({@code execution.target=remote}). */
    Map<String, String> clientConfig();

    /** A batch {@link TableEnvironment} submitting to this cluster, with {@code options} on top. */
    default TableEnvironment batchTableEnvironment(Map<String, String> options) {
        Map<String, String> conf = clientConfig();
        conf.putAll(options);
        return TableEnvironment.create(
                EnvironmentSettings.newInstance().inBatchMode().withConfiguration(Configuration.fromMap(conf)).build());
    }
}
