"""Statistics: the daily rollup (``rollup``), keeping it and the map cells current
(``refresh``), and the figures the pages read (``figures``)."""
