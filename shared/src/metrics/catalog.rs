//! The one list of what the functions publish: metric names, units and the dimension sets
//! each is published under. `template.yaml`'s alarms and dashboard may only name what is
//! here (a test reads the template and checks).

/// Namespace unless `PIRROS_METRICS_NAMESPACE` names another (the stack sets
/// `Pirros/<stage>`, so stages never mix).
pub const DEFAULT_NAMESPACE: &str = "Pirros";

/// Dimension names. Values are low-cardinality by construction: the service, the deployed
/// function, a route *template*, a status class and an error code from a closed list.
pub const SERVICE: &str = "Service";
pub const FUNCTION: &str = "Function";
pub const ROUTE: &str = "Route";
pub const STATUS_CLASS: &str = "StatusClass";
pub const ERROR_CODE: &str = "ErrorCode";

/// The value of `Service`: one roll-up for the whole API, what the API-wide alarms watch.
pub const SERVICE_NAME: &str = "pirros-api";
/// `Route` of a request no route template matches (never the raw path).
pub const UNMATCHED_ROUTE: &str = "unmatched";

pub const REQUESTS: &str = "Requests";
pub const LATENCY: &str = "Latency";
pub const FAULTS: &str = "Faults";
pub const DYNAMODB_CALLS: &str = "DynamoDBCalls";
pub const ITEMS_READ: &str = "ItemsRead";
pub const READ_CAPACITY: &str = "ReadCapacityUnits";
pub const WRITE_CAPACITY: &str = "WriteCapacityUnits";
pub const COLD_START: &str = "ColdStart";
pub const ERRORS: &str = "Errors";

/// CloudWatch units this code uses (a subset of the ones EMF allows).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Count,
    Milliseconds,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Count => "Count",
            Unit::Milliseconds => "Milliseconds",
        }
    }
}

#[derive(Debug)]
pub struct Metric {
    pub name: &'static str,
    pub unit: Unit,
    pub meaning: &'static str,
}

/// A group of metrics published under the same dimension sets: one EMF metric directive.
#[derive(Debug)]
pub struct Group {
    pub metrics: &'static [Metric],
    pub dimension_sets: &'static [&'static [&'static str]],
    /// Published only by requests answered with an error code.
    pub errors_only: bool,
}

/// Every custom metric is billed per (name, dimension values) combination, so each group
/// gets only the sets someone reads: the API-wide roll-up for alarms, per route for cost
/// and debugging, per function where AWS/Lambda has nothing.
pub const GROUPS: &[Group] = &[
    Group {
        metrics: &[
            Metric {
                name: REQUESTS,
                unit: Unit::Count,
                meaning: "1 per request answered",
            },
            Metric {
                name: LATENCY,
                unit: Unit::Milliseconds,
                meaning: "request received → response built, in the handler",
            },
            Metric {
                name: FAULTS,
                unit: Unit::Count,
                meaning: "1 when the status is 5xx, else 0 (its average is the 5xx rate)",
            },
        ],
        dimension_sets: &[&[SERVICE], &[FUNCTION, ROUTE, STATUS_CLASS]],
        errors_only: false,
    },
    Group {
        metrics: &[
            Metric {
                name: DYNAMODB_CALLS,
                unit: Unit::Count,
                meaning: "DynamoDB API calls the request made",
            },
            Metric {
                name: ITEMS_READ,
                unit: Unit::Count,
                meaning: "items DynamoDB examined for it (ScannedCount, items fetched by key)",
            },
            Metric {
                name: READ_CAPACITY,
                unit: Unit::Count,
                meaning: "read capacity units DynamoDB reported consumed (ReturnConsumedCapacity)",
            },
            Metric {
                name: WRITE_CAPACITY,
                unit: Unit::Count,
                meaning: "write capacity units DynamoDB reported consumed",
            },
        ],
        dimension_sets: &[&[SERVICE], &[FUNCTION, ROUTE]],
        errors_only: false,
    },
    Group {
        metrics: &[Metric {
            name: COLD_START,
            unit: Unit::Count,
            meaning: "1 on a container's first request, else 0",
        }],
        dimension_sets: &[&[FUNCTION]],
        errors_only: false,
    },
    Group {
        metrics: &[Metric {
            name: ERRORS,
            unit: Unit::Count,
            meaning: "1 per error answer, by its error code",
        }],
        dimension_sets: &[&[SERVICE, ERROR_CODE]],
        errors_only: true,
    },
];

/// Every (metric, dimension names) pair the code publishes: what an alarm or a dashboard
/// widget may reference (CloudWatch matches the dimension set exactly).
pub fn published() -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
    GROUPS.iter().flat_map(|g| {
        g.metrics
            .iter()
            .flat_map(move |m| g.dimension_sets.iter().map(move |d| (m.name, *d)))
    })
}

/// The status class dimension value.
pub fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}
