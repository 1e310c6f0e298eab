// The seed's week lives in @caredispatch/testing so the end-to-end suite books the same group.
export {
  seedWeek,
  type SeedAppointment,
  type SeedProvider,
  type SeedWeek,
  type SeedWeekOptions,
} from '@caredispatch/testing';
