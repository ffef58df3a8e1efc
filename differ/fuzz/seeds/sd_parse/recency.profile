rank-profile recency inherits default {
    first-phase {
        expression {
            nativeRank(title) + freshness(year)
        }
    }
    num-threads-per-search: 2
}
