rtl/acc_lane.v
rtl/tiny_counter.v
